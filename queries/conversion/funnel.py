"""The conversion funnel answered from the analytic snapshot (definitions in the package
docstring; the counting in ``columns``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Final, Literal

import numpy as np

from refnet.graph.errors import BadInput, NotFound
from refnet.graph.store import GraphStore
from refnet.queries import snapshot as snapshots
from refnet.queries.downline import team_slice
from refnet.queries.params import MAX_TOP
from refnet.queries.snapshot import Snapshot, id_rank
from refnet.queries.stats import ratio, spearman
from refnet.queries.window import DAY_MS, Window, latest_event

from . import columns
from .columns import BUCKET_CODES, Scope
from .params import DEFAULT_TOP, GROUPS, MIN_CLICKS, ConversionParams
from .results import ConversionReport, CoverageVsConversion, FirstPurchase, Funnel, Ranked

__all__ = ["NO_CHANNEL", "TRUST_BUCKETS", "ask", "coverage_vs_conversion", "first_purchase",
           "first_purchase_from", "funnel", "funnel_from", "split", "split_from"]

Group = Literal["promoter", "trust", "level", "channel"]
NO_CHANNEL: Final = "(none)"
# Cypher bucket codes -> the labels results carry, in display order.
TRUST_BUCKETS: Final = {
    "none": "none", "q1": "(0, 0.25]", "q2": "(0.25, 0.5]", "q3": "(0.5, 0.75]",
    "q4": "(0.75, 1]", "self": "self", "outside": "outside",
}
_COUNTS: Final = ("shares", "clicks", "clickers", "purchases", "buyers", "outside_orders",
                  "converted", "converting_clickers", "gmv", "commission")


def ask(store: GraphStore, params: ConversionParams,
        latest: Callable[[GraphStore], int | None] = latest_event) -> ConversionReport:
    """The conversion question as every front end asks it."""
    return funnel(store, params.window(store, latest), promoter_id=params.promoter_id,
                  group_by=params.group_by, top=params.top,  # type: ignore[arg-type]
                  min_clicks=params.min_clicks, root_id=params.root_id)


def funnel(store: GraphStore, window: Window, *, promoter_id: str | None = None,
           group_by: Group = "promoter", top: int = DEFAULT_TOP,
           min_clicks: int = MIN_CLICKS, root_id: str | None = None) -> ConversionReport:
    """The overall funnel, one split of it, time to first purchase, coverage vs conversion,
    from the snapshot of the store's current data version (``funnel_from``)."""
    _check_args(group_by, top, min_clicks, promoter_id)
    snap = snapshots.current(store, store.config.data_dir)
    return funnel_from(snap, window, promoter_id=promoter_id, group_by=group_by, top=top,
                       min_clicks=min_clicks, root_id=root_id)


def funnel_from(snap: Snapshot, window: Window, *, promoter_id: str | None = None,
                group_by: Group = "promoter", top: int = DEFAULT_TOP,
                min_clicks: int = MIN_CLICKS, root_id: str | None = None) -> ConversionReport:
    """The overall funnel, one split of it, time to first purchase, coverage vs conversion.

    ``promoter_id`` restricts the funnels and the time to first purchase (to the members
    that promoter recruited) to one promoter; coverage vs conversion still ranks every
    promoter, and marks this one as ``focus``. ``top`` cuts the promoter split and the
    coverage lists.

    ``root_id`` makes it one team's report: only the shares of ``root_id``'s downline
    (and the clicks and purchases through them, whoever made them; no one outside is
    named), time to first purchase over the team, levels counted from ``root_id``, and
    coverage vs conversion ranking the team's promoters.
    """
    _check_args(group_by, top, min_clicks, promoter_id)
    mine = _promoter_position(snap, promoter_id)
    scope = _team(snap, root_id, window.as_of) if root_id is not None else Scope()
    if mine is not None and scope.members is not None and not scope.members[mine]:
        raise BadInput(f"promoter {promoter_id!r} is not in {root_id!r}'s downline")
    ev = columns.events(snap, window, scope)
    everyone, _ = columns.count(ev, "promoter")  # counters per position, never a loop
    active = everyone.present()
    rank = id_rank(snap)
    narrowed = scope if mine is None else _narrowed(snap, scope, mine)
    if mine is None:
        [overall] = _funnels(ev, "all")
    else:  # one promoter's funnel is their row of the per-promoter split
        overall = _funnel("all", everyone.row(mine))
    if group_by == "promoter":
        if mine is None:  # the top ones by income; only those become funnels
            order = np.lexsort((rank[active], -everyone.clicks[active],
                                -everyone.purchases[active], -everyone.gmv[active]))
            picked = active[order]
        else:
            picked = active[active == mine]
        groups = [_funnel(str(snap.ids[p]), everyone.row(p)) for p in picked[:top].tolist()]
        count_of_groups = len(picked)
    else:
        split_ev = ev if mine is None else columns.events(snap, window, narrowed)
        groups = _ordered(_funnels(split_ev, group_by), group_by)
        count_of_groups = len(groups)
    other = columns.other_purchases(snap, window, narrowed)
    return ConversionReport(
        window=window.describe(),
        promoter_id=promoter_id,
        root_id=root_id,
        group_by=group_by,
        overall=overall,
        groups=groups,
        group_count=count_of_groups,
        other_purchases=other[0],
        other_gmv=other[1],
        other_commission=other[2],
        first_purchase=_first_purchase(snap, window, mine, scope),
        coverage=_coverage(snap, everyone, active, rank, top=top, min_clicks=min_clicks,
                           focus=mine),
        data_version=snap.version,
    )


def _coverage(snap: Snapshot, c: columns.Counts, active: np.ndarray, rank: np.ndarray, *,
              top: int, min_clicks: int, focus: int | None) -> CoverageVsConversion:
    """``coverage_vs_conversion`` over the per-position counters: the same ranking, as
    sorts of arrays; only the listed promoters become ``Ranked``."""
    pool = active[(c.clicks[active] >= min_clicks) & (c.clicks[active] > 0)]
    clickers, clicks, gmv = c.clickers[pool], c.clicks[pool], c.gmv[pool]
    conversion = c.converted[pool] / clicks
    reach = np.lexsort((rank[pool], -gmv, -clickers))
    conv = np.lexsort((rank[pool], -gmv, -conversion))
    reach_rank = np.empty(len(pool), dtype=np.int64)
    reach_rank[reach] = np.arange(1, len(pool) + 1)
    conv_rank = np.empty(len(pool), dtype=np.int64)
    conv_rank[conv] = np.arange(1, len(pool) + 1)

    def ranked(i: int) -> Ranked:
        p = int(pool[i])
        return Ranked(str(snap.ids[p]), int(c.clickers[p]), int(c.clicks[p]),
                      int(c.converted[p]), ratio(int(c.converted[p]), int(c.clicks[p])),
                      int(c.gmv[p]), int(reach_rank[i]), int(conv_rank[i]))

    at = int(np.searchsorted(pool, focus)) if focus is not None else -1
    return CoverageVsConversion(
        min_clicks=min_clicks,
        ranked=len(pool),
        by_reach=[ranked(i) for i in reach[:top].tolist()],
        by_conversion=[ranked(i) for i in conv[:top].tolist()],
        reach_gmv_spearman=spearman(clickers, gmv),
        conversion_gmv_spearman=spearman(conversion, gmv),
        top_reach_gmv=int(gmv[reach[:top]].sum()),
        top_conversion_gmv=int(gmv[conv[:top]].sum()),
        focus=ranked(at) if 0 <= at < len(pool) and pool[at] == focus else None,
    )


def split(store: GraphStore, window: Window, group_by: Group, *,
          promoter_id: str | None = None) -> list[Funnel]:
    """Every slice of the funnel by promoter, trust bucket, level or channel, in order
    (``split_from`` on the snapshot of the store's current data version)."""
    _check_args(group_by, DEFAULT_TOP, MIN_CLICKS, promoter_id)
    snap = snapshots.current(store, store.config.data_dir)
    return split_from(snap, window, group_by, promoter_id=promoter_id)


def split_from(snap: Snapshot, window: Window, group_by: Group, *,
               promoter_id: str | None = None) -> list[Funnel]:
    """Every slice of the funnel by promoter, trust bucket, level or channel, in order.

    Promoters come by GMV (then purchases, clicks, id), trust buckets from none to
    (0.75, 1] then self and outside, levels from the root down, channels by clicks.
    """
    _check_args(group_by, DEFAULT_TOP, MIN_CLICKS, promoter_id)
    mine = _promoter_position(snap, promoter_id)
    scope = Scope() if mine is None else _narrowed(snap, Scope(), mine)
    return _ordered(_funnels(columns.events(snap, window, scope), group_by), group_by)


def first_purchase(store: GraphStore, window: Window, *,
                   promoter_id: str | None = None) -> FirstPurchase:
    """Days from joining to the first paid or settled purchase, as of the window's end."""
    _check_promoter_id(promoter_id)
    snap = snapshots.current(store, store.config.data_dir)
    return first_purchase_from(snap, window, promoter_id=promoter_id)


def first_purchase_from(snap: Snapshot, window: Window, *,
                        promoter_id: str | None = None) -> FirstPurchase:
    """``first_purchase`` from ``snap``."""
    _check_promoter_id(promoter_id)
    return _first_purchase(snap, window, _promoter_position(snap, promoter_id), Scope())


def _team(snap: Snapshot, root_id: str, as_of: int) -> Scope:
    """``root_id``'s team as of ``as_of`` as a mask (the members ``downline.team`` lists:
    below the root through referrals made by then, joined by then) and its base level."""
    p, inside = team_slice(snap, root_id, as_of)
    members = np.zeros(snap.members, dtype=bool)
    members[p:p + len(inside)] = inside
    return Scope(members, columns.member_level(snap, p, as_of), p)


def _narrowed(snap: Snapshot, scope: Scope, pos: int) -> Scope:
    members = np.zeros(snap.members, dtype=bool)
    members[pos] = True
    return Scope(members, scope.base, scope.root)


def _ordered(funnels: list[Funnel], group_by: str) -> list[Funnel]:
    if group_by == "promoter":
        return sorted(funnels, key=_by_income)
    if group_by == "trust":
        order = list(TRUST_BUCKETS.values())
        return sorted(funnels, key=lambda f: order.index(f.key))
    if group_by == "level":
        return sorted(funnels, key=lambda f: int(f.key))
    return sorted(funnels, key=lambda f: (-f.clicks, -(f.shares or 0), f.key))


def _first_purchase(snap: Snapshot, window: Window, promoter: int | None,
                    scope: Scope) -> FirstPurchase:
    if promoter is not None:
        members = columns.recruits(snap, promoter, window.as_of)
    elif scope.members is not None:
        members = scope.members
    else:
        members = np.ones(snap.members, dtype=bool)
    w = columns.first_waits(snap, window.as_of, members)
    bought = len(w.waits)
    return FirstPurchase(
        members=w.members, bought=bought,
        never_bought=w.members - bought - w.before_joining,
        bought_before_joining=w.before_joining, q1_days=_days(w.quartile(0.25)),
        median_days=_days(w.quartile(0.5)), q3_days=_days(w.quartile(0.75)),
    )


def coverage_vs_conversion(promoters: Iterable[Funnel], *, top: int = DEFAULT_TOP,
                           min_clicks: int = MIN_CLICKS,
                           focus: str | None = None) -> CoverageVsConversion:
    """Rank promoters (per-promoter funnels) by reach and by conversion, side by side.

    Only promoters with ``min_clicks`` clicks or more take part: below that a rate is
    mostly luck (1 purchase from 1 click is 100%). Ties break on GMV, then id.
    """
    _check_top(top, min_clicks)
    pool = [f for f in promoters if f.clicks >= min_clicks and f.clicks > 0]
    reach = sorted(pool, key=lambda f: (-f.clickers, -f.gmv, f.key))
    conv = sorted(pool, key=lambda f: (-(f.conversion or 0.0), -f.gmv, f.key))
    reach_rank = {f.key: i for i, f in enumerate(reach, 1)}
    conv_rank = {f.key: i for i, f in enumerate(conv, 1)}

    def ranked(f: Funnel) -> Ranked:
        return Ranked(f.key, f.clickers, f.clicks, f.converted, f.conversion, f.gmv,
                      reach_rank[f.key], conv_rank[f.key])

    gmv = [f.gmv for f in pool]
    return CoverageVsConversion(
        min_clicks=min_clicks,
        ranked=len(pool),
        by_reach=[ranked(f) for f in reach[:top]],
        by_conversion=[ranked(f) for f in conv[:top]],
        reach_gmv_spearman=spearman([f.clickers for f in pool], gmv),
        conversion_gmv_spearman=spearman([f.conversion or 0.0 for f in pool], gmv),
        top_reach_gmv=sum(f.gmv for f in reach[:top]),
        top_conversion_gmv=sum(f.gmv for f in conv[:top]),
        focus=ranked(next(f for f in pool if f.key == focus))
        if focus in reach_rank else None,
    )


# --- internals ----------------------------------------------------------------------------


def _funnels(ev: columns.Events, group: str) -> list[Funnel]:
    """One funnel per group that has a share, click or purchase in the window ('all':
    always one)."""
    counts, _ = columns.count(ev, group)
    present = counts.present().tolist()
    if group == "all" and not present:
        return [_funnel("all", {})]
    return [_funnel(_key(ev.snap, group, code), counts.row(code), has_shares=group != "trust")
            for code in present]


def _key(snap: Snapshot, group: str, code: int) -> str:
    if group == "all":
        return "all"
    if group == "promoter":
        return str(snap.ids[code])
    if group == "trust":
        return TRUST_BUCKETS[BUCKET_CODES[code]]
    if group == "level":
        return str(code)
    return NO_CHANNEL if code == 0 else str(snap.channels[code - 1])


def _funnel(key: str, counts: Mapping[str, int], *, has_shares: bool = True) -> Funnel:
    c = {name: counts.get(name, 0) for name in _COUNTS}
    shares: int | None = c.pop("shares")
    if not has_shares:
        shares = None
    return Funnel(
        key=key, shares=shares, **c,
        click_through=ratio(c["clicks"], shares),
        conversion=ratio(c["converted"], c["clicks"]),
        clicker_conversion=ratio(c["converting_clickers"], c["clickers"]),
    )


def _by_income(f: Funnel) -> tuple[int, int, int, str]:
    return (-f.gmv, -f.purchases, -f.clicks, f.key)


def _days(ms: float | None) -> float | None:
    return None if ms is None else float(ms) / DAY_MS


def _check_args(group_by: str, top: int, min_clicks: int, promoter_id: str | None) -> None:
    if group_by not in GROUPS:
        raise BadInput(f"cannot split conversion by {group_by!r}; choose one of "
                       f"{', '.join(GROUPS)}")
    _check_top(top, min_clicks)
    _check_promoter_id(promoter_id)


def _check_top(top: int, min_clicks: int) -> None:
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= MAX_TOP:
        raise BadInput(f"top must be a whole number from 1 to {MAX_TOP:,}, got {top!r}")
    if isinstance(min_clicks, bool) or not isinstance(min_clicks, int) or min_clicks < 1:
        raise BadInput(f"the minimum clicks to rank a promoter must be at least 1, "
                       f"got {min_clicks!r}")


def _check_promoter_id(promoter_id: str | None) -> None:
    if promoter_id is not None and (not isinstance(promoter_id, str)
                                    or not promoter_id.strip()):
        raise BadInput(f"a promoter id is a non-empty string, got {promoter_id!r}")


def _promoter_position(snap: Snapshot, promoter_id: str | None) -> int | None:
    """The promoter's position, from the snapshot the answer is read from (the same data
    version, so the check and the counts cannot disagree); NotFound when unknown."""
    if promoter_id is None:
        return None
    pos = snap.position(promoter_id)
    if pos is None:
        raise NotFound(f"no member {promoter_id!r} in this graph")
    return pos
