"""What a run wrote and what the user must still do: the Done screen's words, printed again after the wizard.

"✓ acme is set up" is said only when it is true: every file the plan needed was written and the
index accepted the secret. A file left out in the Preview, a live check that was skipped (or that
the index failed), a rotation rather than a setup, each changes the headline and the next steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import mask
from .paths import shown

if TYPE_CHECKING:
    from .apply import ApplyResult
    from .model import FileChange, Plan
    from .validate import Verdict

TOOLS = ("uv", "pip", "twine")


@dataclass(frozen=True)
class Summary:
    #: everything the plan set out to do is written, and nothing says it fails
    complete: bool
    headline: str
    #: what was written and stored, in one clause ("wrote ~/.netrc; stored the secret (1 entry)")
    done: str
    #: what is not true yet, each a sentence with what to do about it
    warnings: tuple[str, ...]
    backup_id: str | None
    #: the commands to run next, in the user's shell's form, as the plan gives them
    next_steps: tuple[str, ...]
    #: the line above the next steps
    next_heading: str

    @property
    def uv_configured(self) -> bool:
        """Whether uv now knows the index (a proof with uv can work)."""
        return any(_tool_of(step) == "uv" for step in self.next_steps)

    def lines(self) -> list[str]:
        """The summary as plain lines, for the terminal once the wizard has closed."""
        mark = "✓" if self.complete else "⚠"
        out = [f"{mark} {self.headline}: {self.done}."]
        out += [f"⚠ {warning}" for warning in self.warnings]
        if self.backup_id:
            out.append(f"Backup {self.backup_id}: `ar-wizard undo {self.backup_id}` puts it all back.")
        if self.next_steps:
            out += ["", self.next_heading]
            out += [f"  {step}" for step in self.next_steps]
        return out


def _tool_of(step: str) -> str:
    """The tool a next step runs ("uv add PACKAGE" → uv); "" for a shell line such as loading .env."""
    first = step.split(maxsplit=1)[0] if step.strip() else ""
    return first if first in TOOLS else ""


def _serves(change: FileChange) -> str:
    """The tool a file change configures ("index 'acme' for uv" → uv), or "" for a credential or other file."""
    for tool in TOOLS:
        if change.summary.endswith(f" for {tool}"):
            return tool
    return ""


def summarize(plan: Plan, result: ApplyResult, *, left_out: list[FileChange] | tuple[FileChange, ...] = (),
              skipped: bool = False, refused: Verdict | None = None) -> Summary:
    """``left_out``: the changes the user unticked; ``skipped``: the live check was skipped;
    ``refused``: the failed verdict it was skipped over, if it had answered."""
    draft = plan.draft
    name = draft.index_name
    done = []
    if result.written:
        done.append("wrote " + ", ".join(shown(p) for p in result.written))
    if result.secrets:
        count = len(result.secrets)
        done.append(f"stored the secret ({count} entr{'y' if count == 1 else 'ies'})")
    what = "; ".join(done) or "nothing needed to change"

    warnings: list[str] = []
    lost: set[str] = set()  # tools that will not work as the plan meant
    for change in left_out:
        tool = _serves(change)
        if tool:
            lost.add(tool)
            warnings.append(f"{shown(change.path)} was left out, so {tool} does not know {name} yet: "
                            "run the wizard again to write it.")
        elif change.holds_secret:
            lost.update(TOOLS)
            warnings.append(f"{shown(change.path)} was left out, so the secret is in no place the tools read: "
                            f"they will be refused until it is written (run the wizard again).")
        else:
            warnings.append(f"{shown(change.path)} was left out ({change.summary}).")
    if refused is not None:
        warnings.append(f"The live check failed and was skipped: {mask(refused.message).rstrip('.')}. The tools will get "
                        "the same answer until that is fixed.")
    elif skipped:
        warnings.append("The live check was skipped, so nothing has shown that the index accepts this secret: "
                        "`ar-wizard doctor` checks it.")

    steps = tuple(step for step in plan.next_steps if not (lost & {_tool_of(step)} or lost >= set(TOOLS)))
    complete = not warnings
    if draft.mode == "rotate":
        headline = f"The secret of {name} is rotated" if complete else f"The secret of {name} is only partly rotated"
    elif draft.mode == "join":
        headline = f"Your credentials for {name} are stored"
    else:
        headline = f"{name} is set up"
    if refused is not None:
        headline = f"{name} is written, but the index refused the credentials"
    elif lost:
        headline = f"{name} is only partly set up" if draft.mode != "rotate" else headline
    elif skipped and draft.mode == "setup":
        headline = f"{name} is written, unchecked"
    if not result.written and not result.secrets:
        headline = f"{name} was already set up" if draft.mode == "setup" and complete else headline
    heading = "Next, in your shell:" if refused is None else "Once the index accepts the secret:"
    return Summary(complete, headline, what, tuple(warnings), result.backup_id, steps, heading)

