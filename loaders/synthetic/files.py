"""Writing the synthetic network as the canonical CSV files, fast.

Purchase statuses and order ids are drawn here (the ``write`` stage) because they only
matter to the files.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

import numpy as np

from refnet.graph.model import MEMBER_STATUSES, PURCHASE_STATUSES
from refnet.loaders import canonical

from .accounts import ACCOUNT_PLATFORMS
from .catalog import CATEGORIES
from .events import CHANNELS
from .forest import PLATFORMS, TIERS
from .tables import DAY, Array, Network, Progress
from .trust import TRUST_SOURCES

__all__ = ["write_all"]

# weights in model.PURCHASE_STATUSES order (paid, settled, refunded, invalid)
RECENT_STATUS_P: Final = (0.85, 0.05, 0.07, 0.03)  # bought in the last 15 days: not settled
OLD_STATUS_P: Final = (0.03, 0.87, 0.07, 0.03)
ORDER_ID_BASE: Final = 3_000_000_000_000_000_000  # 19-digit order ids

Column = Callable[[int, int], list[str]]
CHUNK: Final = 250_000


def write_all(out: Path, net: Network, rng: np.random.Generator, start_s: int, end_s: int,
              report: Progress) -> tuple[dict[str, int], dict[str, Path]]:
    """Write every canonical file; return the rows and the path per entity."""
    f, m, a, pr, t, s, c, p = (net.forest, net.members, net.accounts, net.products, net.trust,
                               net.shares, net.clicks, net.purchases)
    member_id = _id_table("m", len(f.org))
    share_id = _id_table("s", len(s.at))
    product_id = _id_table("p", len(pr.price))
    order_id = _order_ids(len(p.at), rng)
    clock = _Clock(start_s, end_s)
    amount = pr.price[p.product] * p.qty
    commission = np.round(amount * pr.rate[p.product]).astype(np.int64)
    status = np.where(p.at >= end_s - 15 * DAY,
                      rng.choice(len(PURCHASE_STATUSES), size=len(p.at), p=RECENT_STATUS_P),
                      rng.choice(len(PURCHASE_STATUSES), size=len(p.at), p=OLD_STATUS_P))
    weights = tuple(f"{k / 1000:.3f}" for k in range(1001))

    tables: dict[str, list[Column]] = {
        "members": [_every(member_id), _lookup(member_id, f.referrer),
                    _lookup(PLATFORMS, m.platform), clock.column(f.joined),
                    _lookup(MEMBER_STATUSES, m.status), _lookup(TIERS, m.tier),
                    _lookup(("",), np.zeros(len(f.org), dtype=np.int64))],  # nobody left
        "accounts": [_lookup(member_id, a.member), _lookup(ACCOUNT_PLATFORMS, a.platform),
                     _every(a.account_id)],
        "products": [_every(product_id), _every(pr.name), _lookup(CATEGORIES, pr.category),
                     _ints(pr.price), _lookup(("false", "true"), pr.entry.astype(np.int64))],
        "trust": [_lookup(member_id, t.src), _lookup(member_id, t.dst),
                  _lookup(weights, t.weight), clock.column(t.since),
                  _lookup(TRUST_SOURCES, t.source)],
        "shares": [_every(share_id), _lookup(member_id, s.promoter),
                   _lookup(product_id, s.product), clock.column(s.at),
                   _lookup(CHANNELS, s.channel)],
        "clicks": [_lookup(member_id, c.viewer), _lookup(share_id, c.share),
                   clock.column(c.at)],
        "purchases": [_every(order_id), _lookup(member_id, p.buyer),
                      _lookup(product_id, p.product), _lookup(member_id, p.promoter),
                      _lookup(share_id, p.share), clock.column(p.at), _ints(amount),
                      _ints(commission), _lookup(PURCHASE_STATUSES, status)],
    }
    counts = {"members": len(f.org), "accounts": len(a.member), "products": len(pr.price),
              "trust": len(t.src), "shares": len(s.at), "clicks": len(c.at),
              "purchases": len(p.at)}
    files: dict[str, Path] = {}
    for spec in canonical.FILES:
        columns = tables[spec.entity]
        if len(columns) != len(spec.header):
            raise AssertionError(f"{spec.entity}: {len(columns)} columns for {spec.header}")
        files[spec.entity] = out / spec.filename
        _write_csv(files[spec.entity], spec.header, counts[spec.entity], columns,
                   lambda done, total, e=spec.entity: report(f"write {e}", done, total))
    return {spec.entity: counts[spec.entity] for spec in canonical.FILES}, files


def _write_csv(path: Path, header: Sequence[str], count: int, columns: Sequence[Column],
               report: Callable[[int, int], None]) -> None:
    """Write in chunks: each column renders a slice as strings, rows join with commas.

    Measured faster than the csv module. No value the generator makes contains a comma,
    quote or newline, so nothing needs quoting.
    """
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(header) + "\n")
        report(0, count)
        for lo in range(0, count, CHUNK):
            hi = min(count, lo + CHUNK)
            cells = [col(lo, hi) for col in columns]
            fh.write("\n".join(map(",".join, zip(*cells, strict=True))))
            fh.write("\n")
            report(hi, count)


def _id_table(prefix: str, count: int) -> Array:
    """Ids ``prefix`` + 1-based number zero-padded to fit ``count``, then "" (index -1)."""
    width = len(str(count))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, count + 1)] + [""],
                    dtype=object)


def _order_ids(count: int, rng: np.random.Generator) -> Array:
    """19-digit order ids that increase with time, like a platform's; then ""."""
    numbers = (ORDER_ID_BASE + np.arange(count, dtype=np.int64) * 1000
               + rng.integers(0, 1000, count))
    return np.array([*map(str, numbers.tolist()), ""], dtype=object)


def _lookup(table: Sequence[str] | Array, idx: Array) -> Column:
    """table[idx] for a slice of rows; idx -1 picks the last entry ("" for null)."""
    values = np.asarray(table, dtype=object)
    return lambda lo, hi: values[idx[lo:hi]].tolist()


def _every(values: Array) -> Column:
    """A column that is ``values`` itself, in order (its trailing "" is never reached)."""
    return lambda lo, hi: values[lo:hi].tolist()


def _ints(values: Array) -> Column:
    return lambda lo, hi: list(map(str, values[lo:hi].tolist()))


class _Clock:
    """Formats epoch seconds as ISO-8601 UTC (``2025-03-01T08:15:00Z``) from a day table
    and a time-of-day table: several times faster than ``numpy.datetime_as_string``."""

    def __init__(self, start_s: int, end_s: int) -> None:
        self.first_day = start_s // DAY
        days = np.arange(self.first_day, end_s // DAY + 1).astype("datetime64[D]")
        self.days = np.array([d + "T" for d in np.datetime_as_string(days).tolist()],
                             dtype=object)
        self.times = np.array([f"{h:02d}:{m:02d}:{s:02d}Z" for h in range(24)
                               for m in range(60) for s in range(60)], dtype=object)

    def column(self, t: Array) -> Column:
        def render(lo: int, hi: int) -> list[str]:
            day, second = np.divmod(t[lo:hi], DAY)
            return list(map(operator.add, self.days[day - self.first_day].tolist(),
                            self.times[second].tolist()))
        return render
