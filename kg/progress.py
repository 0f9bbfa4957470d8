"""Progress bars on stderr that vanish when stderr is not a terminal (stdout stays clean)."""

from __future__ import annotations

import contextlib
import sys
from typing import Iterable, Iterator, TypeVar

__all__ = ["track", "stage"]

T = TypeVar("T")


def _enabled(requested: bool) -> bool:
    return requested and sys.stderr.isatty()


def track(items: Iterable[T], *, description: str, total: int | None = None, enabled: bool = True) -> Iterator[T]:
    """Iterate over ``items`` with a progress bar on stderr when it is a terminal."""
    if not _enabled(enabled):
        yield from items
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        yield from progress.track(items, total=total, description=description)


@contextlib.contextmanager
def stage(description: str, *, enabled: bool = True) -> Iterator[None]:
    """Show a spinner on stderr while a stage without a natural item count runs."""
    if not _enabled(enabled):
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(description):
        yield
