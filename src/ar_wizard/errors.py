"""Errors a user can cause: each carries one sentence for them and an exit code."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a setup that cannot work. ``str(err)`` is the sentence the CLI shows.

    Where the remedy names a flag, ``in_wizard`` words the same remedy for the
    wizard (a field, a button, a screen): each front end shows its own."""

    exit_code = 2

    def __init__(self, message: str = "", *, in_wizard: str | None = None):
        super().__init__(message)
        self.in_wizard = in_wizard

    def for_wizard(self) -> str:
        return self.in_wizard or str(self)


def listed(words: list[str] | tuple[str, ...]) -> str:
    """Words as a sentence lists them: "uv", "uv and pip", "uv, pip and twine"."""
    words = [w for w in words if w]
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def all_of(words: list[str] | tuple[str, ...], verb: str) -> str:
    """Who does something, agreeing with how many: "uv reads", "uv and pip both read", "uv, pip and twine all read"."""
    if len(words) == 1:
        return f"{words[0]} {verb}s"
    return f"{listed(words)} {'both' if len(words) == 2 else 'all'} {verb}"


def clause(text: str) -> str:
    """A cause from a tool's own words, fit to put inside a sentence: no trailing colon or full stop.

    "An error occurred (400) when calling the ListDomains operation:" has lost its cause after the
    colon; what is left still names what failed, and the sentence around it says what to do."""
    return text.strip().rstrip(":;,. ").strip()


class ValidationFailed(UserError):
    """The index rejected or could not be reached with the credential."""

    exit_code = 1


class ApplyFailed(UserError):
    """Writing failed part-way; everything already written was restored."""

    exit_code = 3
