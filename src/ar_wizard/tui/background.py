"""Slow core calls from thread workers, reported to their screen as one message.

A thread blocked in a socket read cannot be interrupted, and Textual waits for
its workers on exit; so the call runs in a daemon thread and the worker only
waits for it, checking for cancellation between short joins.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from textual.message import Message
from textual.worker import get_current_worker

from ..errors import UserError
from .words import in_wizard

T = TypeVar("T")


class Abandoned(Exception):
    """The worker was cancelled before the call finished."""


class Finished(Message, Generic[T]):
    """A worker's result for its screen: ``value``, or the sentence of the ``error``.

    Each worker posts a subclass of its own that names the value's type (Validate's
    ``Checked(Finished["Verdict"])``; the Doctor screen's report, a fix's plan, an applied
    fix), and its screen handles that class: a handler knows what it is given, and two
    workers on one screen never take each other's results."""

    def __init__(self, value: T | None = None, error: str | None = None) -> None:
        super().__init__()
        self.value = value
        self.error = error

    def result(self) -> T:
        """The value, for a handler that has dealt with ``error`` first (a value comes exactly without one)."""
        assert self.value is not None
        return self.value


def report(screen, fn: Callable[[], T], *, outcome: type[Finished[T]], abandon: bool = True) -> None:
    """From a thread worker: run ``fn`` and post its outcome to ``screen`` as an ``outcome`` message.

    The one way a worker hands its result over (never ``call_from_thread``): posted, it is
    handled in order with the screen's other messages, and not at all once the worker is cancelled.

    ``abandon=False`` is for the transaction, which must finish once started."""
    try:
        value = call_in_background(fn) if abandon else fn()
    except Abandoned:
        return
    except UserError as err:
        screen.post_message(outcome(error=in_wizard(err.for_wizard())))
        return
    if not get_current_worker().is_cancelled:
        screen.post_message(outcome(value))


def call_in_background(fn: Callable[[], T]) -> T:
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as err:  # handed to the worker below
            box["error"] = err

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    worker = get_current_worker()
    while thread.is_alive():
        if worker.is_cancelled:
            raise Abandoned
        thread.join(0.05)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]
