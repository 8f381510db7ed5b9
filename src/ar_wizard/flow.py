"""The wizard's steps and the moves between them, for both front ends.

Pure: no terminal, no I/O. A screen asks this module where Next and Back go.
"""

from __future__ import annotations

from enum import Enum

from .model import Draft


class Step(str, Enum):
    START = "start"
    PROVIDER = "provider"
    REGISTRY = "registry"
    AUTH = "auth"
    CREDENTIALS = "credentials"
    TARGETS = "targets"
    VALIDATE = "validate"
    PREVIEW = "preview"
    APPLY = "apply"
    DONE = "done"


_SETUP = (
    Step.START,
    Step.PROVIDER,
    Step.REGISTRY,
    Step.AUTH,
    Step.CREDENTIALS,
    Step.TARGETS,
    Step.VALIDATE,
    Step.PREVIEW,
    Step.APPLY,
    Step.DONE,
)
_ROTATE = (Step.START, Step.CREDENTIALS, Step.VALIDATE, Step.PREVIEW, Step.APPLY, Step.DONE)
# A teammate joining a project whose config already names the index: only their own credentials.
_JOIN = (
    Step.START,
    Step.AUTH,
    Step.CREDENTIALS,
    Step.TARGETS,
    Step.VALIDATE,
    Step.PREVIEW,
    Step.APPLY,
    Step.DONE,
)

# Once files are written there is no going back through the wizard: undo does that.
_NO_BACK = {Step.START, Step.APPLY, Step.DONE}


def _all_steps(draft: Draft) -> tuple[Step, ...]:
    return {"rotate": _ROTATE, "join": _JOIN}.get(draft.mode, _SETUP)


def steps_for(draft: Draft) -> tuple[Step, ...]:
    steps = _all_steps(draft)
    skipped = set()
    if not draft.stores_secret:
        skipped.add(Step.CREDENTIALS)  # a keyring plugin mints tokens; nothing to type
    if not draft.validate:
        skipped.add(Step.VALIDATE)
    return tuple(s for s in steps if s not in skipped)


def next_step(draft: Draft, step: Step) -> Step | None:
    steps = steps_for(draft)
    i = _index(draft, steps, step)
    return steps[i + 1] if i + 1 < len(steps) else None


def previous_step(draft: Draft, step: Step, *, rolled_back: bool = False) -> Step | None:
    """Where Back leads; ``rolled_back``: Apply failed and put everything back, so
    nothing is written and the user may return to the Preview and change course."""
    if step == Step.APPLY and rolled_back:
        return Step.PREVIEW
    if step in _NO_BACK:
        return None
    steps = steps_for(draft)
    i = _index(draft, steps, step)
    return steps[i - 1] if i > 0 else None


def position(draft: Draft, step: Step) -> tuple[int, int]:
    """1-based place of ``step`` among the steps this draft goes through, and their count."""
    steps = steps_for(draft)
    return _index(draft, steps, step) + 1, len(steps)


def _index(draft: Draft, steps: tuple[Step, ...], step: Step) -> int:
    if step in steps:
        return steps.index(step)
    # The draft changed under a step it no longer visits (e.g. auth switched to keyring
    # while on Credentials): place it where it would have been in the full list.
    full = _all_steps(draft)
    before = [s for s in full[: full.index(step)] if s in steps]
    return steps.index(before[-1]) if before else 0
