"""Taking a change back out of a file that was edited since: a three-way merge of lines.

``undo`` knows three versions of each file: ``before`` (the copy from before
the change), ``after`` (what the change wrote) and the file as it is now. When
the file is still ``after``, undo puts ``before`` back whole. When the user has
edited it since (``uv add`` adds a dependency), undo applies only the change's
own hunks, ``after`` → ``before``, to the file as it is, and keeps every other
line. Where a hunk of the change and an edit since touch the same lines of
``after`` the merge stops and names those lines of the file as it is now, so
nothing of the user's is lost and nothing of the change is left half-removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher


@dataclass(frozen=True)
class Conflict(Exception):
    """Lines ``first``..``last`` (1-based, of the file as it is now) were edited since the change, as the change's own."""

    first: int
    last: int

    def lines(self) -> str:
        return f"line {self.first}" if self.first == self.last else f"lines {self.first}–{self.last}"


@dataclass(frozen=True)
class _Hunk:
    start: int  # in ``after``'s lines
    end: int
    lines: list[bytes]
    now_start: int = 0  # where the hunk's lines are in the file as it is now (edits since only)
    now_end: int = 0


def take_back(before: bytes, after: bytes, now: bytes) -> bytes:
    """``now`` with the change ``before`` → ``after`` taken back out; ``Conflict`` where both edited the same lines."""
    base, old, current = _lines(after), _lines(before), _lines(now)
    ours = _hunks(base, old)  # what undo changes in ``after``
    theirs = _hunks(base, current)  # what the user changed in ``after`` since
    for mine in ours:
        for edit in theirs:
            if _clash(mine, edit):
                first = edit.now_start + 1
                last = max(edit.now_end, first)
                raise Conflict(first, last)
    out: list[bytes] = []
    at = 0
    # An edit since and a hunk of the change that only meet at one point keep the user's lines first.
    for hunk in sorted(ours + theirs, key=lambda h: (h.start, h.end != h.start)):
        out += base[at : hunk.start]
        out += hunk.lines
        at = hunk.end
    out += base[at:]
    return b"".join(out)


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _hunks(base: list[bytes], other: list[bytes]) -> list[_Hunk]:
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [
        _Hunk(i1, i2, other[j1:j2], j1, j2)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _clash(a: _Hunk, b: _Hunk) -> bool:
    """Both touch the same lines of ``after``: they overlap, or insert at the same place, or one inserts inside the other."""
    if a.start == a.end and b.start == b.end:
        return a.start == b.start
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return max(a.start, b.start) < min(a.end, b.end)
