"""A search's time budget, checked between the steps of its work.

A thread cannot be interrupted in Python, and `signal.alarm` only works in the main thread
(TRAPS.md: waitress serves from worker threads), so a search is bounded cooperatively:
the engine and the posting-list evaluator look at the clock between steps (one term's
postings, one relaxation step, one suggestion) and stop when the budget is spent; the
engine then answers with what it has, flagged as partial.
"""

from __future__ import annotations

import time
from dataclasses import dataclass


class TimeUp(Exception):
    """The deadline passed before a step that cannot return part of its answer."""


@dataclass(frozen=True)
class Deadline:
    """The moment (on `time.perf_counter`'s clock) by which a search should be done."""

    at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.perf_counter() + seconds)

    def remaining(self) -> float:
        return max(0.0, self.at - time.perf_counter())

    def expired(self) -> bool:
        return time.perf_counter() >= self.at

    def check(self) -> None:
        """Raise TimeUp once the deadline has passed."""
        if self.expired():
            raise TimeUp


NEVER = Deadline(float("inf"))
