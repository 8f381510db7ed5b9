"""Slow core calls from thread workers, abandoned at once when their screen goes away.

A thread blocked in a socket read cannot be interrupted, and Textual waits for
its workers on exit; so the call runs in a daemon thread and the worker only
waits for it, checking for cancellation between short joins.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from textual.worker import get_current_worker

T = TypeVar("T")


class Abandoned(Exception):
    """The worker was cancelled before the call finished."""


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
