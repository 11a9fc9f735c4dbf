"""Numbers as people read them, the same in every front end (the CLI's tables, the web
app's pages, the API's money): yuan from integer fen without a float on the way, counts
grouped by thousands (as zh-CN and English both write them), shares as percentages, and
an em dash where there is nothing to show."""

from __future__ import annotations

__all__ = ["amount", "count", "percent", "signed", "yuan"]


def amount(fen: int, grouped: bool = True) -> str:
    """123450 fen as ``1,234.50`` (``1234.50`` ungrouped, the API's decimal string)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}" if grouped else f"{sign}{whole}.{cents:02d}"


def yuan(fen: int | None) -> str:
    """``¥1,234.50``; ``-¥12.00`` for a loss; None as an em dash."""
    if fen is None:
        return "—"
    text = amount(fen)
    return f"-¥{text[1:]}" if text.startswith("-") else f"¥{text}"


def count(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def percent(fraction: float | None, digits: int = 1) -> str:
    """A fraction as ``12.5%``; None (nothing to divide by) as an em dash."""
    return "—" if fraction is None else f"{fraction:.{digits}%}"


def signed(fraction: float | None) -> str:
    """A change as a signed percentage (``+12.5%``), ``—`` when there is no base."""
    if fraction is None:
        return "—"
    return ("+" if fraction > 0 else "") + percent(fraction)
