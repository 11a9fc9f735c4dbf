"""What an answer's field names say about their numbers: money, or a time.

The question results keep money as integer minor units and times as epoch ms, and name
them so (``gmv``, ``*_commission``, ``*_fees``, ``as_of``, ``*_at``). GraphQL (``answers``) turns
them into ``Money`` and ISO-8601 and the terminal tables (``render``) into yuan and
dates by this one rule, so a new field is shown right everywhere by its name alone.
"""

from __future__ import annotations

__all__ = ["is_money", "is_time"]


def is_money(name: str) -> bool:
    """Whether an int with this name is an amount in minor units; a rank never is."""
    if name.endswith("_rank"):
        return False
    return (name in ("gmv", "commission", "amount", "fees") or name.startswith("gmv_")
            or name.endswith(("_gmv", "_commission", "_fees")))


def is_time(name: str) -> bool:
    """Whether an int with this name is an instant in epoch milliseconds."""
    return name in ("since", "as_of", "previous_since") or name.endswith("_at")
