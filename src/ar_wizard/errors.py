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


class ValidationFailed(UserError):
    """The index rejected or could not be reached with the credential."""

    exit_code = 1


class ApplyFailed(UserError):
    """Writing failed part-way; everything already written was restored."""

    exit_code = 3
