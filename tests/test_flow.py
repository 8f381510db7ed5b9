from ar_wizard.flow import Step, next_step, position, previous_step, steps_for
from ar_wizard.model import Draft


def walk(draft: Draft) -> list[Step]:
    seen = [Step.START]
    while (step := next_step(draft, seen[-1])) is not None:
        seen.append(step)
    return seen


def test_a_first_time_setup_visits_every_step_in_order():
    assert walk(Draft()) == list(Step)


def test_a_keyring_plugin_needs_no_credentials_step():
    assert Step.CREDENTIALS not in walk(Draft(auth="keyring"))


def test_rotation_goes_from_start_straight_to_credentials():
    assert walk(Draft(mode="rotate")) == [
        Step.START, Step.CREDENTIALS, Step.VALIDATE, Step.PREVIEW, Step.APPLY, Step.DONE,
    ]


def test_skipping_validation_removes_the_validate_step():
    assert Step.VALIDATE not in steps_for(Draft(validate=False))


def test_back_retraces_next():
    draft = Draft()
    for step in steps_for(draft)[1:-2]:
        back = previous_step(draft, step)
        assert back is not None and next_step(draft, back) == step


def test_there_is_no_way_back_from_start_apply_or_done():
    draft = Draft()
    assert previous_step(draft, Step.START) is None
    assert previous_step(draft, Step.APPLY) is None
    assert previous_step(draft, Step.DONE) is None


def test_position_counts_only_the_steps_this_draft_visits():
    assert position(Draft(), Step.PROVIDER) == (2, 10)
    assert position(Draft(auth="keyring"), Step.TARGETS) == (5, 9)


def test_a_step_the_draft_no_longer_visits_still_has_a_next_step():
    draft = Draft(auth="keyring")  # switched to a plugin while on Credentials
    assert next_step(draft, Step.CREDENTIALS) == Step.TARGETS


def test_joining_a_configured_index_asks_only_for_this_machines_credentials():
    assert walk(Draft(mode="join")) == [
        Step.START, Step.AUTH, Step.CREDENTIALS, Step.TARGETS, Step.VALIDATE, Step.PREVIEW, Step.APPLY, Step.DONE,
    ]
    assert Step.CREDENTIALS not in walk(Draft(mode="join", auth="keyring"))


def test_a_rolled_back_apply_leads_back_to_the_preview():
    assert previous_step(Draft(), Step.APPLY, rolled_back=True) == Step.PREVIEW
    assert previous_step(Draft(), Step.DONE, rolled_back=True) is None
