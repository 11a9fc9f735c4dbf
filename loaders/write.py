"""Writing canonical rows: one query per entity, an outcome for every row.

Each ``load/<entity>`` query creates only what is new and returns every row it could
place, with whether it created it. A row it does not return names something that is
not in the graph yet (a member, product or share); the loader retries those at the
end of the load, when other files may have supplied them. Referral rows get the
rules platforms apply: the first referrer stays, and no referral may close a cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from refnet.graph.errors import ConstraintViolation, RefnetError
from refnet.graph.store import GraphStore, Params, row_lists, run_idempotent

from .fresh import Fresh
from .records import Row

__all__ = ["ENTITIES", "HELD", "KEYS", "Outcome", "ReferralBook", "attribute_accounts", "key_of",
           "needs_attribution", "prepare_entity", "write_entity"]

# Write order: endpoints before the edges that join them.
ENTITIES = ("members", "referrals", "accounts", "products", "trust", "shares", "clicks",
            "purchases")
# Edges nothing else points at, whose rows not proven new may wait to be checked in
# full batches (see prepare_entity's ``hold``).
HELD = ("trust", "clicks")
KEYS: dict[str, tuple[str, ...]] = {
    "members": ("member_id",),
    "referrals": ("member_id", "referrer_id"),
    "accounts": ("platform", "account_id"),
    "products": ("product_id",),
    "trust": ("src_id", "dst_id"),
    "shares": ("share_id",),
    "clicks": ("viewer_id", "share_id", "at"),  # events: a viewer may click a share again
    "purchases": ("order_id",),
}
# Per entity: the checking query (creates only what is new; safe to repeat) and the
# create-only query for rows proven new (not safe to repeat). Referrals are checked
# by load/referral_state + load/referrals_write instead (the referral rules).
CHECKING: dict[str, str] = {
    "members": "load/members",
    "accounts": "load/accounts",
    "products": "load/products",
    "trust": "load/trust",
    "shares": "load/shares",
    "clicks": "load/clicks",
    "purchases": "load/purchases",
}
CREATE_ONLY: dict[str, str] = {
    "members": "load/members_new",
    "referrals": "load/referrals_new",
    "accounts": "load/accounts_new",
    "trust": "load/trust_new",
    "shares": "load/shares_new",
    "clicks": "load/clicks_new",
    "purchases": "load/purchases_new",
}


@dataclass
class Outcome:
    """What happened to each row of one batch."""

    created: list[Row] = field(default_factory=list)
    duplicates: list[Row] = field(default_factory=list)
    missing: list[Row] = field(default_factory=list)  # a reference is not in the graph yet
    rejected: list[tuple[Row, str, str]] = field(default_factory=list)  # row, code, message

    def merge(self, other: Outcome) -> None:
        self.created += other.created
        self.duplicates += other.duplicates
        self.missing += other.missing
        self.rejected += other.rejected


@dataclass
class ReferralBook:
    """What a load has decided about referrals so far, so each rule holds load-wide.

    ``waiting``: members whose referral waits for a reference; their later referrals
    wait behind it (while ``defer``; the end-of-load pass turns it off).
    ``refused``: (member, referrer) -> (code, message) of every referral refused, so a
    repeat of a refused row is refused for the same reason wherever it falls, as its
    copies in one batch are. The writer thread alone uses it while the load runs.
    """

    waiting: set[str] = field(default_factory=set)
    refused: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    defer: bool = True


def key_of(row: Row) -> tuple[Any, ...]:
    return tuple(row.values.get(k) for k in KEYS[row.entity])


def write_entity(
    store: GraphStore, entity: str, rows: list[Row], params: dict[str, Any],
    fresh: Fresh | None = None, book: ReferralBook | None = None,
) -> Outcome:
    """Write one batch of one entity; repeated keys inside the batch are duplicates."""
    return prepare_entity(store, entity, rows, params, fresh, book=book)()


def prepare_entity(
    store: GraphStore, entity: str, rows: list[Row], params: dict[str, Any],
    fresh: Fresh | None = None, hold: list[Row] | None = None,
    book: ReferralBook | None = None,
) -> Callable[[], Outcome]:
    """Do one batch's Python work now; return the call that writes it.

    Now: repeated keys inside the batch are copies of the first row with the key, booked
    as it turns out: duplicates when it is written or already there, refused with it
    (same reason), missing with it (the copy waits for the reference too). So a repeated
    row's outcome does not depend on whether its copies fell into one batch or several;
    ``fresh`` picks the rows it proves new (written create-only, the others checked),
    and each query's parameters are prepared (checked and quoted, where the store can).
    The loader does this on its own thread while its writer thread waits on the
    server. Referral rows need the store's answers first: all their work is in the call.
    ``book`` (referrals only) is what the load has decided about referrals so far; see
    ``_write_referrals``.

    With ``hold``, the rows not proven new are added to it instead of being checked
    in this batch; the caller writes them later, in full batches. A checking query
    that reads edges of a type just created makes the server merge that type's
    pending changes into its matrix first, a cost that grows with every edge of the
    type: at 1M members, the few click rows checked between create-only batches took
    37 s of server time, against 54 s for the 4M clicks created.
    """
    outcome = Outcome()
    unique: dict[tuple[Any, ...], Row] = {}
    copies: list[tuple[Row, Row]] = []  # (a row, the earlier row with its key)
    names = KEYS[entity]
    for row in rows:
        values = row.values
        key = tuple(values.get(k) for k in names)
        first = unique.get(key)
        if first is None:
            unique[key] = row
        else:
            copies.append((row, first))
    batch = list(unique.values())
    sends: list[Callable[[], Outcome]] = []
    if entity == "referrals":
        sends.append(lambda: _write_referrals(store, batch, params, fresh, book))
    else:
        new = fresh.split(entity, list(unique)) if fresh is not None else None
        if new is not None and new.any():
            sends.append(_create(store, entity, [r for r, n in zip(batch, new, strict=True)
                                                 if n], params))
            batch = [r for r, n in zip(batch, new, strict=True) if not n]
        if batch and hold is not None and new is not None:
            held = {id(r) for r in batch}
            hold += batch
            hold += [row for row, first in copies if id(first) in held]  # booked with it
            copies = [(row, first) for row, first in copies if id(first) not in held]
        elif batch:
            sends.append(_check(store, CHECKING[entity], batch, params))

    def write() -> Outcome:
        for send in sends:
            outcome.merge(send())
        if copies:
            missing = {id(r) for r in outcome.missing}
            refused = {id(r): (code, why) for r, code, why in outcome.rejected}
            for row, first in copies:
                if id(first) in missing:
                    outcome.missing.append(row)
                elif id(first) in refused:
                    outcome.rejected.append((row, *refused[id(first)]))
                else:
                    outcome.duplicates.append(row)
        return outcome

    return write


def _payload(store: GraphStore, name: str, rows: list[Row]) -> list[list[Any]]:
    return row_lists(store, name, [row.values for row in rows])


def _parameters(store: GraphStore, name: str, params: dict[str, Any], rows: list[Row]
                ) -> Params:
    """A write's parameters with ``$rows``, checked and quoted now where the store can."""
    full = {**params, "rows": _payload(store, name, rows)}
    prepare = getattr(store, "prepare", None)  # FalkorDBStore.prepare
    return full if prepare is None else prepare(full, write=True)


def _run(store: GraphStore, name: str, rows: list[Row], params: dict[str, Any]) -> Outcome:
    return _check(store, name, rows, params)()


def _check(store: GraphStore, name: str, rows: list[Row], params: dict[str, Any]
           ) -> Callable[[], Outcome]:
    """Rows for a checking query (it creates only what is new, so it may be repeated)."""
    prepared = _parameters(store, name, params, rows)
    return lambda: _placed(rows, run_idempotent(store, name, prepared)[0].rows)


def _create(store: GraphStore, entity: str, rows: list[Row], params: dict[str, Any],
            check: Callable[[list[Row]], Outcome] | None = None) -> Callable[[], Outcome]:
    """Rows proven new, for the entity's ``CREATE_ONLY`` query, which skips the existence
    checks.

    It is not safe to repeat, so anything in doubt is checked (``check``, by default
    the entity's ``CHECKING`` query, which is safe to repeat): an error that may
    be retried (the batch may have been written: its rows then count as duplicates), a
    uniqueness refusal (another writer created one of the keys; FalkorDB undoes the
    whole query), or an answer that placed no row, which the create-only query gives
    when another load is running (or when every row names something missing).
    """
    name = CREATE_ONLY[entity]
    prepared = _parameters(store, name, params, rows)
    if check is None:
        def check(doubtful: list[Row]) -> Outcome:
            return _run(store, CHECKING[entity], doubtful, params)

    def send() -> Outcome:
        try:
            result = store.run(name, prepared, write=True)
        except RefnetError as e:
            if not (e.is_retryable() or isinstance(e, ConstraintViolation)):
                raise
            return check(rows)
        if result.rows[0][0] == []:  # no row placed
            return check(rows)
        return _placed(rows, result.rows)

    return send


def _placed(rows: list[Row], answer: list[tuple[Any, ...]]) -> Outcome:
    """Book each row by the query's one-row answer: created, already there, or missing.

    The answer is ``placed``, the indexes of the rows the query could place (null: all),
    and ``created``, those it created (null: every row placed). Both are usually null or
    empty, which spares the server and the client a row per input row.
    """
    ((placed, created),) = answer
    where = range(len(rows)) if placed is None else set(placed)
    new = where if created is None else set(created)
    outcome = Outcome()
    for i, row in enumerate(rows):
        if i not in where:
            outcome.missing.append(row)
        elif i in new:
            outcome.created.append(row)
        else:
            outcome.duplicates.append(row)
    return outcome


def _write_referrals(store: GraphStore, rows: list[Row], params: dict[str, Any],
                     fresh: Fresh | None = None, book: ReferralBook | None = None) -> Outcome:
    """Apply the referral rules, then create the edges that pass them.

    Rows ``fresh`` proves new (``_proven_new``) need no rules: they are written first,
    and a row that names a missing member waits for the end of the load like any
    other. The rest are checked against the graph as it stands after those writes.

    With the load's ``book``: the first referrer stays, in the order the rows come. Once
    a member's referral waits for its referrer (a row later in the load, or in another
    file), every later referral of that member waits behind it, so a later file's
    referrer cannot take the place of an earlier one that was only waiting; at the end
    of the load the waiting rows are checked in their order, without deferring (a row
    still missing then is refused, and the next one may pass). A repeat of a refused
    row is refused for the same reason; a repeat of a written one is a duplicate.
    """
    outcome = Outcome()
    book = book if book is not None else ReferralBook(defer=False)
    order = {id(row): i for i, row in enumerate(rows)}
    _resolve_referrers(store, rows)
    rows = [row for row in rows if not _self_referral(row, outcome)]
    rows = _defer(rows, book, outcome)
    new = _proven_new(fresh, rows)
    if any(new):
        proven = [r for r, n in zip(rows, new, strict=True) if n]
        made = _create(store, "referrals", proven, params,
                       lambda doubtful: _check_referrals(store, doubtful, params, book))()
        if book.defer:
            book.waiting.update(r.values["member_id"] for r in made.missing)
        outcome.merge(made)
        rows = _defer([r for r, n in zip(rows, new, strict=True) if not n], book, outcome)
    if rows:
        outcome.merge(_check_referrals(store, rows, params, book))
    # the rows that wait keep the load's order, whichever path found them missing: at
    # the end of the load they are checked in it, so the first referral still wins
    outcome.missing.sort(key=lambda row: order[id(row)])
    return outcome


def _resolve_referrers(store: GraphStore, rows: list[Row]) -> None:
    """Referrers named by a platform account (a Youzan inviter given as a distributor
    code, not a phone) become the account's member, when a member claims it by now.

    A row whose account no member claims keeps the name as given: it may be a member's
    id, or it waits like any missing referrer and is refused at the end of the load.
    """
    named = [r for r in rows if r.extra.get("referrer_account")]
    if not named:
        return
    keys = sorted({(r.extra.get("referrer_platform") or "", str(r.extra["referrer_account"]))
                   for r in named})
    found = store.run("load/account_members", {
        "keys": [{"platform": p, "account": a} for p, a in keys]}).rows
    owner = {(p, a): m for p, a, m in found if m is not None}
    for row in named:
        member = owner.get((row.extra.get("referrer_platform") or "",
                            str(row.extra["referrer_account"])))
        if member is not None:
            row.values["referrer_id"] = member


def _defer(rows: list[Row], book: ReferralBook, outcome: Outcome) -> list[Row]:
    """The rows free to be checked: a repeat of a refused row is refused the same way,
    and while ``book.defer`` the rows of members whose referral waits wait too."""
    if not book.refused and not (book.defer and book.waiting):
        return rows
    free = []
    for row in rows:
        refused = book.refused.get((row.values["member_id"], row.values["referrer_id"]))
        if refused is not None:
            outcome.rejected.append((row, *refused))
        elif book.defer and row.values["member_id"] in book.waiting:
            outcome.missing.append(row)
        else:
            free.append(row)
    return free


def _self_referral(row: Row, outcome: Outcome) -> bool:
    if row.values["member_id"] != row.values["referrer_id"]:
        return False
    outcome.rejected.append((row, "self_referral", "a member cannot refer themselves"))
    return True


def _proven_new(fresh: Fresh | None, rows: list[Row]) -> list[bool]:
    """Which referrals can break no rule, so need no check against the graph.

    Every member's referrer and every member's recruits come from ``REFERRED`` edges.
    When there were none at the start of the load (``fresh`` knows) and a row's member
    has come up neither as a member nor as a referrer earlier in the load, the member
    has no referrer yet (no second referrer) and no recruits (no cycle). "Earlier"
    follows the load's order, within the batch too; the filter's false positives only
    send a row to the checks.
    """
    if fresh is None or "referrals" not in fresh.entities:
        return [False] * len(rows)
    members = list(dict.fromkeys(row.values["member_id"] for row in rows))
    keys = [(m,) for m in members]
    first = dict(zip(members, fresh.split("referrals", keys) & fresh.split("referrers", keys),
                     strict=True))  # the second split also marks members; harmless
    fresh.add("referrers", list({(row.values["referrer_id"],) for row in rows}))
    seen: set[str] = set()
    proven = []
    for row in rows:
        member = row.values["member_id"]
        proven.append(first[member] and member not in seen)
        seen.add(member)
        seen.add(row.values["referrer_id"])
    return proven


def _check_referrals(store: GraphStore, candidates: list[Row], params: dict[str, Any],
                     book: ReferralBook) -> Outcome:
    """Referrals checked against the graph: the first referrer stays, no cycles.

    A row naming a member or referrer not in the graph yet waits, and while
    ``book.defer`` so does every later row of its member. Refusals go into the book.
    """
    outcome = Outcome()
    state = {rec["i"]: rec for rec in
             store.run("load/referral_state",
                       {"rows": _payload(store, "load/referral_state", candidates)}).records()}
    assigned: dict[str, str] = {}  # child -> referrer, given earlier in this batch
    referrers: set[str] = set()  # the values of ``assigned``, for a quick membership test
    accepted: list[Row] = []
    for i, row in enumerate(candidates):
        child, referrer = row.values["member_id"], row.values["referrer_id"]
        st = state[i]
        current = st["current"] or assigned.get(child)
        refused = book.refused.get((child, referrer))
        if refused is not None:  # the same referral, refused earlier in this batch
            outcome.rejected.append((row, *refused))
        elif not st["has_child"] or not st["has_parent"] or (
                book.defer and child in book.waiting):
            if book.defer:
                book.waiting.add(child)
            outcome.missing.append(row)
        elif current == referrer:
            outcome.duplicates.append(row)
        elif current is not None:
            book.refused[child, referrer] = (
                "second_referrer",
                f"{child} was referred by {current}; {referrer} refused (the first referrer "
                "stays)")
            outcome.rejected.append((row, *book.refused[child, referrer]))
        elif (st["recruits"] or child in referrers) and _is_ancestor(
                store, child, referrer, assigned):
            book.refused[child, referrer] = (
                "referral_cycle", f"{referrer} is already in {child}'s downline")
            outcome.rejected.append((row, *book.refused[child, referrer]))
        else:
            assigned[child] = referrer
            referrers.add(referrer)
            accepted.append(row)
    if accepted:
        written = _run(store, "load/referrals_write", accepted, params)
        outcome.created += written.created + written.duplicates
        outcome.duplicates += written.missing  # another writer linked it first
    return outcome


def _is_ancestor(store: GraphStore, child: str, referrer: str, assigned: dict[str, str]) -> bool:
    """Is ``child`` the referrer or above it, counting links made earlier in this batch?

    On the way up, links of this batch and the graph's may alternate: a root in the
    graph can have been given a referrer earlier in the batch (only a root can).
    """
    current: str | None = referrer
    seen: set[str] = set()
    while current is not None and current not in seen:
        if current == child:
            return True
        seen.add(current)
        if current in assigned:
            current = assigned[current]
            continue
        chain = store.run("downline/upline", {"id": current}).scalar() or [current]
        if child in chain:
            return True
        seen.update(chain[1:])
        current = assigned.get(chain[-1])
    return False


def needs_attribution(rows: Iterable[Row]) -> bool:
    """Does any purchase name its promoter only by an account (``attribute_accounts``)?"""
    return bool(_unattributed(rows))


def _unattributed(rows: Iterable[Row]) -> list[Row]:
    return [r for r in rows if r.values.get("promoter_id") is None
            and r.extra.get("promoter_account")]


def attribute_accounts(
    store: GraphStore, rows: Iterable[Row], params: dict[str, Any],
    fresh: Fresh | None = None,
) -> list[str]:
    """Give purchases known only by the promoter's account a promoter member.

    An account no member claims gets a stub member (``platform:account``) so the order
    still attributes somewhere; the ids of new stubs are returned for the report.
    ``fresh`` learns their keys, so no later row counts them as new.
    """
    pending = _unattributed(rows)
    if not pending:
        return []
    keys = sorted({(r.extra.get("promoter_platform") or "", str(r.extra["promoter_account"]))
                   for r in pending})
    found = store.run("load/account_members", {
        "keys": [{"platform": p, "account": a} for p, a in keys]}).rows
    owner = {(p, a): m for p, a, m in found}
    unclaimed = [{"platform": p, "account": a, "member": f"{p}:{a}"}
                 for (p, a) in keys if owner.get((p, a)) is None]
    if unclaimed:
        if fresh is not None:
            fresh.add("members", [(u["member"],) for u in unclaimed])
            fresh.add("accounts", [(u["platform"], u["account"]) for u in unclaimed])
        run_idempotent(store, "load/stub_accounts", {**params, "keys": unclaimed})
        owner.update({(u["platform"], u["account"]): u["member"] for u in unclaimed})
    for row in pending:
        key = (row.extra.get("promoter_platform") or "", str(row.extra["promoter_account"]))
        row.values["promoter_id"] = owner[key]
    return [u["member"] for u in unclaimed]
