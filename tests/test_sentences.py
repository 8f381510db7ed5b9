"""Every verdict, refusal, listing error and summary the core builds from parts reads as a sentence:
no doubled word, no list that lost its "and", no cause that came out empty, no sentence in brackets.

The screens' own check (tests/screen_text.py, run on every screen of every walk) reads the same way;
here the parts are put together in every combination the core can make, without a terminal.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest

from ar_wizard import providers
from ar_wizard.apply import ApplyResult
from ar_wizard.errors import all_of, clause, listed
from ar_wizard.listing import HttpError
from ar_wizard.listing import azure as azure_listing
from ar_wizard.listing import gcp as gcp_listing
from ar_wizard.model import Draft, FileChange, Plan
from ar_wizard.stores import STORE_TITLES, StoreRefused, check_store
from ar_wizard.summary import summarize
from ar_wizard.tui.words import in_wizard
from ar_wizard.validate import Verdict
from screen_text import sentence_problems

URLS = {
    "gcp": "https://us-python.pkg.dev/acme-prod/py/simple/",
    "aws": "https://acme-123456789012.d.codeartifact.us-east-1.amazonaws.com/pypi/py/simple/",
    "azure": "https://pkgs.dev.azure.com/acme/_packaging/py/pypi/simple/",
    "generic": "https://pypi.acme.example/simple/",
}
TOOLS = ("uv", "pip", "twine")
TARGETS = [combo for n in (1, 2, 3) for combo in combinations(TOOLS, n)]


def test_a_list_is_said_as_a_sentence_says_it():
    assert listed(["uv"]) == "uv"
    assert listed(["uv", "pip"]) == "uv and pip"
    assert listed(["uv", "pip", "twine"]) == "uv, pip and twine"
    assert all_of(["uv"], "read") == "uv reads"
    assert all_of(["uv", "pip"], "read") == "uv and pip both read"
    assert all_of(["uv", "pip", "twine"], "read") == "uv, pip and twine all read"


def test_a_cause_cut_off_after_its_colon_is_kept_without_the_colon():
    assert clause("An error occurred (400) when calling the ListDomains operation: ") == (
        "An error occurred (400) when calling the ListDomains operation")
    assert clause("  ") == ""


@pytest.mark.parametrize("store", sorted(STORE_TITLES))
@pytest.mark.parametrize("targets", TARGETS, ids=",".join)
@pytest.mark.parametrize("publish", [False, True])
def test_every_store_refusal_reads_as_a_sentence_in_both_front_ends(store, targets, publish):
    try:
        check_store(store, targets, publish)
    except StoreRefused as err:
        said = [str(err), in_wizard(str(err))]
    else:
        return
    for text in said:
        assert not sentence_problems(text), text


@pytest.mark.parametrize("provider", sorted(URLS))
@pytest.mark.parametrize("status", [400, 401, 403, 404, 407, 429, 500, 503])
@pytest.mark.parametrize("username", ["someone", "oauth2accesstoken", "_json_key_base64", "aws", "VssSessionToken"])
@pytest.mark.parametrize("fresh_token", [False, True])
def test_every_reading_of_a_status_reads_as_a_sentence(provider, status, username, fresh_token):
    reading = providers.get(provider).explain_status(status, url=URLS[provider], username=username, publish=True,
                                                     fresh_token=fresh_token)
    for text in (reading, in_wizard(reading), in_wizard(reading, doctor=True)):
        assert not sentence_problems(text), text


@pytest.mark.parametrize("status", [203, 400, 401, 403, 404, 429, 500])
def test_every_listing_error_is_one_clean_sentence(status):
    body = {"error": {"message": "The caller does not have permission", "details": []}, "message": "no"}
    said = [str(azure_listing._explained(HttpError(status, body, "<html>sign in</html>"), "acme")),
            str(gcp_listing._explained(HttpError(status, body, "oops"), "acme-prod", "list repositories"))]
    for text in said:
        assert not sentence_problems(text), text


def _plan(tmp_path: Path, mode: str, targets: tuple[str, ...]) -> Plan:
    draft = Draft(project_dir=tmp_path, index_name="acme", mode=mode, targets=targets, store="netrc")
    changes = [FileChange(tmp_path / "pyproject.toml", b"", b"x", summary="index 'acme' for uv"),
               FileChange(tmp_path / "pip.conf", b"", b"x", summary="extra-index-url for pip"),
               FileChange(tmp_path / ".netrc", b"", b"x", holds_secret=True, summary="machine pypi.acme.example")]
    steps = ["uv add PACKAGE   # a package from the private index", "pip install PACKAGE"]
    return Plan(draft, changes=changes, next_steps=steps)


@pytest.mark.parametrize("mode", ["setup", "join", "rotate"])
@pytest.mark.parametrize("left_out", [(), ("pyproject.toml",), (".netrc",), ("pyproject.toml", "pip.conf")])
@pytest.mark.parametrize("check", ["passed", "skipped", "refused"])
def test_every_summary_reads_as_sentences_and_says_set_up_only_when_it_is(tmp_path, mode, left_out, check):
    plan = _plan(tmp_path, mode, ("uv", "pip"))
    out = [c for c in plan.changes if c.path.name in left_out]
    written = [c.path for c in plan.changes if c not in out]
    refused = Verdict(False, "https://pypi.acme.example/simple/ rejected the credentials (401).",
                      "https://pypi.acme.example/simple/", status=401) if check == "refused" else None
    summary = summarize(plan, ApplyResult("b1", written=written), left_out=out, skipped=check != "passed",
                        refused=refused)

    for line in summary.lines():
        assert not sentence_problems(line), line
    assert summary.complete == (not left_out and check == "passed")
    assert ("✓" in summary.lines()[0]) == summary.complete
    if "pyproject.toml" in left_out or ".netrc" in left_out:
        assert not any(step.startswith("uv ") for step in summary.next_steps)
    if mode == "rotate" and summary.complete:
        assert "rotated" in summary.headline
