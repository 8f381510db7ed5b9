"""Errors a user can cause: each carries one sentence for them and an exit code."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a setup that cannot work. ``str(err)`` is the sentence shown."""

    exit_code = 2


class ValidationFailed(UserError):
    """The index rejected or could not be reached with the credential."""

    exit_code = 1


class ApplyFailed(UserError):
    """Writing failed part-way; everything already written was restored."""

    exit_code = 3
