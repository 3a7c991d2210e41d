"""The progress callback every long-running workflow reports through (front ends draw bars)."""

from collections.abc import Callable

#: Called with (steps done, steps in all, what happens now).
ProgressCallback = Callable[[int, int, str], None]
