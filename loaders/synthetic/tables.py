"""The synthetic network's tables as numpy columns, and what every stage shares.

Member i is ``m{i+1}`` and -1 means null. A table is a frozen dataclass of equal-length
arrays, so ``take`` and ``concat`` work on any of them and a stage returns whole tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Final, TypeVar

import numpy as np

__all__ = [
    "DAY", "HOUR", "Accounts", "Array", "Clicks", "Edges", "Forest", "Members", "Network",
    "Products", "Progress", "Purchases", "Shares", "after", "concat", "take",
]

Progress = Callable[[str, int, int], None]
Array = np.ndarray
T = TypeVar("T")

DAY: Final = 86_400
HOUR: Final = 3_600


@dataclass(frozen=True)
class Forest:
    """Members in join order and their referral tree."""

    n_orgs: int
    org: Array  # organization number, -1 for a singleton
    referrer: Array  # member index, -1 for a root; always < the member's own index
    joined: Array  # epoch seconds, strictly increasing
    depth: Array
    root: Array
    recruits: Array


@dataclass(frozen=True)
class Members:
    platform: Array  # codes into PLATFORMS
    status: Array  # codes into MEMBER_STATUSES
    tier: Array  # codes into TIERS


@dataclass(frozen=True)
class Accounts:
    member: Array
    platform: Array  # codes into ACCOUNT_PLATFORMS
    account_id: Array  # object array of str


@dataclass(frozen=True)
class Products:
    category: Array
    name: Array  # object array of str
    price: Array
    rate: Array  # commission rate
    entry: Array  # bool
    popularity: Array  # probabilities for shares and direct purchases
    org_pack: Array  # per org: the entry package it sells, or -1


@dataclass(frozen=True)
class Edges:
    src: Array
    dst: Array
    weight: Array  # thousandths, 1..1000
    since: Array
    source: Array  # codes into TRUST_SOURCES


@dataclass(frozen=True)
class Shares:
    promoter: Array
    product: Array
    at: Array
    channel: Array


@dataclass(frozen=True)
class Clicks:
    viewer: Array
    share: Array
    at: Array


@dataclass(frozen=True)
class Purchases:
    buyer: Array  # -1 for an outside buyer
    product: Array
    promoter: Array  # -1 for none
    share: Array  # -1 for none
    at: Array
    qty: Array


@dataclass(frozen=True)
class Network:
    forest: Forest
    members: Members
    accounts: Accounts
    products: Products
    trust: Edges
    shares: Shares
    clicks: Clicks
    purchases: Purchases


def take(table: T, idx: Array) -> T:
    """The rows ``idx`` of a column dataclass (edges, purchases, ...)."""
    return type(table)(*(getattr(table, f.name)[idx] for f in fields(table)))


def concat(parts: Sequence[T]) -> T:
    """Same-typed column dataclasses, one after the other."""
    kind = type(parts[0])
    return kind(*(np.concatenate([getattr(p, f.name) for p in parts])
                  for f in fields(kind)))


def after(t: Array, end_s: int, rng: np.random.Generator, spread: int | None = None) -> Array:
    """A time strictly after each ``t`` and strictly before ``end_s``: uniform over what
    is left of the year, or over at most ``spread`` seconds when given."""
    room = np.maximum(end_s - t - 2, 0)
    if spread is not None:
        room = np.minimum(room, spread)
    return t + 1 + (rng.random(len(t)) * room).astype(np.int64)
