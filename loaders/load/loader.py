"""The loader proper: buffers rows per entity, hands full batches to the store in write
order, and books every outcome (written, duplicate, waiting, quarantined)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from refnet.graph.store import GraphStore, run_idempotent
from refnet.graph.text import control_character
from refnet.queries.snapshot.update import Touched

from .. import write
from ..fresh import Fresh
from ..profiles import Profile
from ..quarantine import MASK
from ..quarantine import Writer as Quarantine
from ..records import Record, Row, RowError
from .report import FileReport, LoadReport, TooManyBadRows
from .writer import Writer

__all__ = ["Loader"]

# entity -> (kind of key a snapshot update reads again, the row's value that is the key)
TOUCHES: dict[str, tuple[str, str]] = {
    "members": ("members", "member_id"),
    "referrals": ("referrals", "member_id"),
    "products": ("products", "product_id"),
    "trust": ("trust", "src_id"),
    "shares": ("shares", "share_id"),
    "clicks": ("clicks", "viewer_id"),
    "purchases": ("purchases", "order_id"),
}


class Loader:
    """Buffers rows per entity, writes them in order, keeps the books."""

    def __init__(self, store: GraphStore, report: LoadReport, bad: Quarantine,
                 params: dict[str, Any], max_bad: int | float | None,
                 writer: Writer | None = None, fresh: Fresh | None = None, *,
                 batch_size: int, touched: Touched | None = None) -> None:
        self.store, self.report, self.bad, self.params = store, report, bad, params
        self.max_bad = max_bad
        self.batch_size = batch_size  # rows per write
        self.writer = writer  # None: write on this thread
        self.fresh = fresh  # None: check every row
        self.touched = touched  # the keys of the rows placed, for the snapshot's update
        self.buffers: dict[str, list[Row]] = {e: [] for e in write.ENTITIES}
        # rows of write.HELD entities that wait to be checked in full batches
        self.held: dict[str, list[Row]] = {e: [] for e in write.HELD}
        self.waiting: list[Row] = []  # rows whose references have not appeared yet
        self.referrals = write.ReferralBook()  # the referral rules' load-wide memory
        self.files: dict[int, Path] = {}

    def take(self, path: Path, record: Record, prof: Profile,
             hasher: Callable[[str], str], file_report: FileReport) -> None:
        if "_error" in record.values:
            code = str(record.values.get("_code", "bad_value"))  # the reader's reason
            self._reject_record(path, record, prof, code, str(record.values["_error"]),
                                file_report)
            return
        try:
            rows = prof.apply(record, hasher)
        except RowError as e:
            self._reject_record(path, record, prof, e.code, e.message, file_report)
            return
        for row in rows:
            row.extra["_file"] = path.name
            self._add(row)
            if row.entity != "members":
                continue
            note = row.extra.get("note")
            if note:
                notes = self.report.entities["members"].notes
                notes[note] = notes.get(note, 0) + 1
            if row.values.get("referrer_id") is not None:
                extra = {"_file": path.name}
                if row.extra.get("referrer_account"):  # an inviter named by an account
                    extra["referrer_account"] = row.extra["referrer_account"]
                    extra["referrer_platform"] = row.values.get("platform") or ""
                self._add(Row("referrals", {
                    "member_id": row.values["member_id"],
                    "referrer_id": row.values["referrer_id"],
                    "joined_at": row.values.get("joined_at"),
                }, row.line, extra))

    def _add(self, row: Row) -> None:
        self.report.entities[row.entity].rows += 1
        problem = _clean(row)
        if problem:
            self._book(row.entity, write.Outcome(rejected=[(row, "bad_text", problem)]))
            return
        buffer = self.buffers[row.entity]
        buffer.append(row)
        if len(buffer) >= self.batch_size:
            self.flush(row.entity)

    def flush(self, entity: str) -> None:
        """Write one entity's buffer, after every entity it may point at."""
        for earlier in write.ENTITIES[: write.ENTITIES.index(entity)]:
            if self.buffers[earlier]:
                self.flush(earlier)
        rows, self.buffers[entity] = self.buffers[entity], []
        if rows:
            self._submit(entity, rows, self.fresh)
        if len(self.held.get(entity, ())) >= self.batch_size:
            self._submit_held(entity)

    def _submit_held(self, entity: str) -> None:
        held, self.held[entity] = self.held[entity], []
        for start in range(0, len(held), self.batch_size):  # seen before: the checking path
            self._submit(entity, held[start:start + self.batch_size], None)

    def _submit(self, entity: str, rows: list[Row], fresh: Fresh | None) -> None:
        store, params = self.store, self.params
        if entity == "purchases" and write.needs_attribution(rows):
            # promoters known only by an account are looked up first, in write order

            def job() -> tuple[str, list[str], write.Outcome]:
                stubs = write.attribute_accounts(store, rows, params, fresh)
                return entity, stubs, write.write_entity(store, entity, rows, params, fresh)
        else:
            hold = self.held.get(entity) if fresh and entity in fresh.entities else None
            send = write.prepare_entity(store, entity, rows, params, fresh, hold,
                                        self.referrals if entity == "referrals" else None)

            def job() -> tuple[str, list[str], write.Outcome]:
                return entity, [], send()

        if self.writer is None:
            self._book_job(*job())
        else:
            self.writer.submit(job)
            self._book_done()

    def _book_job(self, entity: str, stubs: list[str], outcome: write.Outcome) -> None:
        self.report.stubs += stubs
        self._book(entity, outcome)

    def _book_done(self) -> None:
        """Book the batches the writer has finished, in the order they were handed over."""
        if self.writer is not None:
            for done in self.writer.finished():
                self._book_job(*done)

    def flush_all(self) -> None:
        for entity in write.ENTITIES:
            self.flush(entity)
            if self.held.get(entity):
                self._submit_held(entity)

    def finish(self) -> None:
        """Retry the rows that waited for references; stub named members, refuse the rest.

        These rows were seen before, so they take the checking path."""
        if self.writer is not None:
            self.writer.wait()
            self._book_done()
        waiting, self.waiting = self.waiting, []
        self.referrals.defer = False  # the waiting rows now go in their order
        for entity in write.ENTITIES:
            rows = [r for r in waiting if r.entity == entity]
            if entity == "purchases":
                self._stub_members(rows)
            for start in range(0, len(rows), self.batch_size):
                batch = rows[start:start + self.batch_size]
                outcome = write.write_entity(self.store, entity, batch, self.params,
                                             book=self.referrals)
                for row in outcome.missing:
                    outcome.rejected.append((row, "unknown_reference", _missing_message(row)))
                outcome.missing = []
                self._book(entity, outcome)

    def _stub_members(self, rows: list[Row]) -> None:
        """Buyers and promoters an export names by member id become stub members."""
        ids = sorted({v for r in rows for v in (r.values.get("buyer_id"),
                                                 r.values.get("promoter_id")) if v})
        if ids:
            result, _ = run_idempotent(self.store, "load/stub_members",
                                       {**self.params, "keys": ids})
            if result.counters.get("nodes_created"):
                self.report.stubs += ids

    def _book(self, entity: str, outcome: write.Outcome) -> None:
        counts = self.report.entities[entity]
        counts.written += len(outcome.created)
        counts.duplicates += len(outcome.duplicates)
        if self.touched is not None and entity in TOUCHES:
            kind, name = TOUCHES[entity]
            self.touched.add(kind, (r.values[name] for r in (*outcome.created,
                                                              *outcome.duplicates)))
        self.waiting += outcome.missing
        for row, code, message in outcome.rejected:
            counts.quarantined += 1
            counts.reasons[code] = counts.reasons.get(code, 0) + 1
            self.bad.write(row.extra.get("_file", ""), row.line, entity, code, message,
                           row.values)
        self._check_limit()

    def _reject_record(self, path: Path, record: Record, prof: Profile, code: str,
                       message: str, file_report: FileReport) -> None:
        file_report.quarantined += 1
        personal = set(prof.personal_columns())
        values = {k: (MASK if k in personal and v not in (None, "") else v)
                  for k, v in record.values.items()}
        self.bad.write(path.name, record.line, ",".join(prof.entities), code, message, values)
        self._check_limit()

    def _check_limit(self) -> None:
        if self.max_bad is None:
            return
        bad, seen = self.report.bad, max(self.report.records, 1)
        limit = self.max_bad * seen if 0 < self.max_bad < 1 else self.max_bad
        if bad > limit:
            shown = f"{self.max_bad:.0%}" if 0 < self.max_bad < 1 else f"{int(self.max_bad):,}"
            raise TooManyBadRows(
                f"{bad:,} bad rows, past the limit of {shown}; the load stopped. Rows "
                f"written so far stay (loading again is safe); see {self.report.quarantine}"
            )


def _clean(row: Row) -> str | None:
    """Trim text and make empty text null; say why a value cannot be stored."""
    values = row.values
    for key, value in values.items():
        if type(value) is str or isinstance(value, str):
            text = value.strip()
            if control_character(text) is not None:
                return f"{key} contains a control character (U+0000 or U+0001)"
            if text is not value or not text:  # strip() hands back a clean str itself
                values[key] = text or None
    return None


def _missing_message(row: Row) -> str:
    refs = {k: v for k, v in row.values.items()
            if k.endswith("_id") and v is not None and k not in write.KEYS[row.entity][:1]}
    named = ", ".join(f"{k}={v}" for k, v in refs.items())
    return f"names something that is not in the graph ({named})"
