"""What every command shares: the console, the one-line error style, printing tables.

A module of its own, not the package's ``__init__``, so that the command modules can
use it without importing the package that imports them (a cycle).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console

from refnet.graph.errors import RefnetError

__all__ = ["F", "console", "friendly_errors", "print_tables"]

F = TypeVar("F", bound=Callable[..., Any])
# Piped output (a file, CI, a test) gets room for the wide tables instead of rich's 80 columns.
console = Console(width=None if sys.stdout.isatty() else 150)


def friendly_errors(fn: F) -> F:
    """Turn refnet's errors into click's one-line error and exit status."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except RefnetError as e:
            raise click.ClickException(str(e)) from e

    return wrapper  # type: ignore[return-value]


def print_tables(tables: list[Any]) -> None:
    for table in tables:
        console.print(table)
