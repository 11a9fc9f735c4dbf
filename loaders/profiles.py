"""Export profiles: declarative TOML files that map a platform export onto canonical rows.

A profile says how to recognise an export (its ``detect`` columns) and how one record
of it becomes canonical rows (one ``[[output]]`` per entity, in write order). Built-in
profiles live in ``loaders/profiles/*.toml``; a user adds one by dropping a ``.toml``
file into a profile directory, no code. ``load_profiles`` reads both, ``detect.detect`` picks
the profile for a file's header, ``Profile.apply`` turns a ``Record`` into ``Row``s or
raises ``RowError`` with a reason code from ``records.REASONS``.

The format (every built-in file is an example; unknown keys are errors, to catch typos)::

    name = "taobao-api"                # unique; a user file with a built-in's name replaces it
    title = "Taobao Union order details (taobao.tbk.order.details.get)"
    platform = "taobao"                # taobao|pdd|jd|youzan|other; omit for canonical files
    timezone = "Asia/Shanghai"         # for times without an offset (the default)
    detect = ["trade_id", "tk_status"] # all must be in the header for the profile to match
    personal = ["昵称"]                # source columns holding personal data, mapped or not
    empty_values = ["--"]              # cell texts that mean "empty" besides "" (optional)
    self_referral = "no_referrer"      # a member named as their own inviter has none
                                       # (default "refuse": quarantined, self_referral)

    [[output]]                         # one canonical row per record, in this order
    entity = "purchases"               # members|accounts|products|trust|shares|clicks|purchases
    when = ["分销员ID"]                # optional: emit the row only if these are non-empty
    [output.fields]                    # canonical column = field spec
    order_id = { column = ["trade_id", "trade_parent_id"], parse = "id", required = true }
    status = { column = "tk_status", parse = "status", map = { "3" = "settled", "12" = "paid" } }
    [output.extra]                     # free-form values for the loader (same field specs)
    promoter_platform = { value = "taobao" }
    promoter_account = { column = ["relation_id", "adzone_id"], parse = "id" }

A long spec can be a table of its own (``[output.fields.status]`` with one key per line).
A field spec takes exactly one of

- ``column``: a header name, or a list of alternatives read in order, the first non-empty
  one wins. An alternative may itself be a list of columns, joined with ``join_with``
  (default ``"-"``), and used only if all of them are non-empty: ``["id", ["orderId",
  "skuId"]]`` is "id, else orderId-skuId".
- ``value``: a constant (``value = "taobao"``).

and optionally ``parse`` (below; default ``text``), ``map`` (raw text -> value before
parsing; required for ``status``, where an unmapped code is ``unknown_status``; other
parsers pass unmapped values through), ``default`` (used when every column is empty),
``required`` (empty -> ``missing_required``), ``skip_zero`` (a zero is treated like an
empty cell while later alternatives remain, e.g. settled commission, else estimated),
``key`` (for ``json_key``), and ``personal``:

- ``true``: the value is personal (phone, WeChat id, real name, address): it is replaced
  by ``hasher(value)`` and never reaches a row in clear, nor a ``RowError`` message.
  Phone numbers are normalised first (``+86 138-0013-8000`` -> ``13800138000``) so one
  phone always hashes the same.
- ``"phone"``: hashed only when the value looks like a mainland mobile number (a column
  that holds "an id or a phone"); other values are kept as ids.
- a list of column names: hashed only when the value came from one of those columns
  (``column = ["手机号", "分销员ID"], personal = ["手机号"]``).

Parsers (``parse = "..."``): ``id``, ``text``, ``int``, ``money_yuan``, ``money_fen``,
``time_local``, ``epoch_s``, ``epoch_ms``, ``per_mille``, ``percent``, ``status``,
``bool``, ``json_key``, ``canonical``; ``values.py`` says what each accepts and the
reason codes it raises; ``fields.py`` reads a compiled field from a record's cells.

``detect.detect`` picks the matching profile with the most ``detect`` columns, then the
one that reads more of the header's columns. ``apply`` emits every canonical column of each output
entity (``None`` where unmapped), checks that amounts are negative only on refunded
purchases and within ``MAX_MONEY`` (``out_of_range``) and that a commission is not above
its order's amount (``commission_above_amount``), and puts ``extra`` values in
``Row.extra``; an extra read from a list of alternative columns also records which one
gave it as ``<name>_column`` (e.g. ``promoter_account_column = "relation_id"``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from refnet.graph.errors import BadInput
from refnet.graph.model import MEMBER_STATUSES
from refnet.graph.model import PURCHASE_STATUSES as STATUSES

from . import canonical
from .fields import Alternative, Field
from .records import Record, Row, RowError
from .values import DEFAULT_TIMEZONE, PARSERS, Ctx, is_empty

__all__ = ["MAX_MONEY", "Profile", "builtin_dir", "load_profile", "load_profiles", "norm_header"]

KNOWN_PLATFORMS = ("taobao", "pdd", "jd", "youzan")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


# --------------------------------------------------------------------------- specs

_FIELD_KEYS = frozenset({
    "column", "value", "parse", "map", "default", "required", "personal", "skip_zero",
    "join_with", "key",
})
_TOP_KEYS = frozenset({
    "name", "title", "platform", "timezone", "detect", "personal", "empty_values", "output",
    "self_referral",
})
SELF_REFERRAL = ("refuse", "no_referrer")
_OUTPUT_KEYS = frozenset({"entity", "when", "fields", "extra"})


@dataclass(frozen=True)
class _Output:
    entity: str
    when: tuple[str, ...]
    fields: tuple[Field, ...]
    extra: tuple[Field, ...]


def _spec_error(source: Path, where: str, problem: str) -> BadInput:
    return BadInput(f"profile {source}: {where}: {problem}")


def _refuse_unknown_keys(source: Path, where: str, table: dict, allowed: frozenset | set) -> None:
    """A typo in a profile is an error that names the file, the place and the keys allowed."""
    unknown = set(table) - set(allowed)
    if unknown:
        raise _spec_error(source, where, f"unknown keys {sorted(unknown)} "
                          f"(allowed: {', '.join(sorted(allowed))})")


def _compile_field(
    source: Path, where: str, name: str, spec: Any, tz: tzinfo,
    column: canonical.Column | None,
) -> Field:
    here = f"{where}.{name}"
    if not isinstance(spec, dict):
        raise _spec_error(source, here, "must be a table like { column = \"...\" }")
    _refuse_unknown_keys(source, here, spec, _FIELD_KEYS)
    if ("column" in spec) == ("value" in spec):
        raise _spec_error(source, here, "needs exactly one of 'column' or 'value'")
    alternatives: list[Alternative] = []
    if "column" in spec:
        raw = spec["column"]
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list) or not items:
            raise _spec_error(source, here, "'column' must be a name or a non-empty list")
        for item in items:
            if isinstance(item, str) and item.strip():
                alternatives.append((item.strip(),))
            elif (isinstance(item, list) and len(item) >= 2
                  and all(isinstance(c, str) and c.strip() for c in item)):
                alternatives.append(tuple(c.strip() for c in item))
            else:
                raise _spec_error(source, here, f"bad column entry {item!r} (a name, or a "
                                  "list of 2+ names to join)")
    parse = spec.get("parse", "text")
    if parse not in PARSERS:
        raise _spec_error(source, here, f"unknown parse {parse!r} "
                          f"(known: {', '.join(PARSERS)})")
    if parse == "canonical" and column is None:
        raise _spec_error(source, here, "parse = \"canonical\" only works on a canonical column")
    mapping = spec.get("map")
    if mapping is not None:
        if not isinstance(mapping, dict):
            raise _spec_error(source, here, "'map' must be a table of code = value")
        mapping = {str(k).strip(): v for k, v in mapping.items()}
    if parse == "status":
        if not mapping:
            raise _spec_error(source, here, "parse = \"status\" needs a 'map' of codes")
        wrong = sorted({str(v) for v in mapping.values()} - set(STATUSES))
        if wrong:
            raise _spec_error(source, here, f"status map values {wrong} are not canonical "
                              f"statuses ({', '.join(STATUSES)})")
    keys = spec.get("key", ())
    keys = (keys,) if isinstance(keys, str) else tuple(keys)
    if parse == "json_key" and not keys:
        raise _spec_error(source, here, "parse = \"json_key\" needs 'key' (a name or a list)")
    personal = spec.get("personal", False)
    if isinstance(personal, list):
        if not all(isinstance(c, str) for c in personal):
            raise _spec_error(source, here, "'personal' list must hold column names")
        personal = frozenset(personal)
    elif personal not in (True, False, "phone"):
        raise _spec_error(source, here, "'personal' must be true, false, \"phone\" or a list "
                          "of column names")
    for flag in ("required", "skip_zero"):
        if not isinstance(spec.get(flag, False), bool):
            raise _spec_error(source, here, f"'{flag}' must be true or false")
    return Field(
        name=name,
        alternatives=tuple(alternatives),
        constant=spec.get("value"),
        parse=parse,
        ctx=Ctx(tz=tz, mapping=mapping if parse == "status" else None, keys=keys,
                 column=column),
        map=mapping,
        default=spec.get("default"),
        required=spec.get("required", False),
        personal=personal,
        skip_zero=spec.get("skip_zero", False),
        join_with=str(spec.get("join_with", "-")),
    )


def _compile(data: dict[str, Any], source: Path) -> Profile:
    _refuse_unknown_keys(source, "top level", data, _TOP_KEYS)
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise _spec_error(source, "name", "needs a lowercase name like \"my-export\"")
    title = data.get("title", name)
    if not isinstance(title, str):
        raise _spec_error(source, "title", "must be text")
    platform = data.get("platform")
    if platform is not None and (not isinstance(platform, str) or not _NAME.match(platform)):
        raise _spec_error(source, "platform", f"must be a lowercase name such as "
                          f"{', '.join(KNOWN_PLATFORMS)}")
    tz_name = data.get("timezone", DEFAULT_TIMEZONE)
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise _spec_error(source, "timezone", f"unknown time zone {tz_name!r}") from None
    detect_cols = data.get("detect")
    if (not isinstance(detect_cols, list) or not detect_cols
            or not all(isinstance(c, str) and c.strip() for c in detect_cols)):
        raise _spec_error(source, "detect", "needs a non-empty list of column names")
    personal = data.get("personal", [])
    if not isinstance(personal, list) or not all(isinstance(c, str) for c in personal):
        raise _spec_error(source, "personal", "must be a list of column names")
    empty_values = data.get("empty_values", [])
    if not isinstance(empty_values, list) or not all(isinstance(c, str) for c in empty_values):
        raise _spec_error(source, "empty_values", "must be a list of texts")
    self_referral = data.get("self_referral", "refuse")
    if self_referral not in SELF_REFERRAL:
        raise _spec_error(source, "self_referral", f"must be one of {', '.join(SELF_REFERRAL)}")
    raw_outputs = data.get("output")
    if not isinstance(raw_outputs, list) or not raw_outputs:
        raise _spec_error(source, "output", "needs at least one [[output]] table")
    outputs = []
    for number, raw in enumerate(raw_outputs, 1):
        where = f"output #{number}"
        if not isinstance(raw, dict):
            raise _spec_error(source, where, "must be a table")
        _refuse_unknown_keys(source, where, raw, _OUTPUT_KEYS)
        entity = raw.get("entity")
        try:
            spec = canonical.by_name(str(entity))
        except KeyError:
            known = ", ".join(f.entity for f in canonical.FILES)
            raise _spec_error(source, where, f"unknown entity {entity!r} (known: {known})") \
                from None
        where = f"output #{number} ({entity})"
        when = raw.get("when", [])
        if not isinstance(when, list) or not all(isinstance(c, str) for c in when):
            raise _spec_error(source, where, "'when' must be a list of column names")
        raw_fields = raw.get("fields")
        if not isinstance(raw_fields, dict) or not raw_fields:
            raise _spec_error(source, where, "needs [output.fields]")
        columns = {c.name: c for c in spec.columns}
        for field_name in raw_fields:
            if field_name not in columns:
                raise _spec_error(source, f"{where}.fields", f"{field_name!r} is not a "
                                  f"{entity} column (columns: {', '.join(columns)})")
        missing = [c.name for c in spec.columns if c.required and c.name not in raw_fields]
        if missing:
            raise _spec_error(source, where, f"required {entity} columns not mapped: "
                              f"{', '.join(missing)}")
        fields = tuple(
            _compile_field(source, f"{where}.fields", n, s, tz, columns[n])
            for n, s in raw_fields.items()
        )
        raw_extra = raw.get("extra", {})
        if not isinstance(raw_extra, dict):
            raise _spec_error(source, where, "'extra' must be a table")
        extra = tuple(
            _compile_field(source, f"{where}.extra", n, s, tz, None)
            for n, s in raw_extra.items()
        )
        outputs.append(_Output(spec.entity, tuple(c.strip() for c in when), fields, extra))
    entities = tuple(dict.fromkeys(o.entity for o in outputs))
    return Profile(
        name=name,
        title=title,
        platform=platform,
        entities=entities,
        source=source,
        detect_columns=tuple(c.strip() for c in detect_cols),
        timezone=tz_name,
        personal=tuple(personal),
        empty_values=frozenset(v.strip() for v in empty_values),
        outputs=tuple(outputs),
        self_referral=self_referral,
    )


# --------------------------------------------------------------------------- profile


def norm_header(name: Any) -> str:
    return str(name).replace("\ufeff", "").strip()


@dataclass(frozen=True)
class Profile:
    """One export format: how to recognise it and how its records become canonical rows."""

    name: str
    title: str
    platform: str | None
    entities: tuple[str, ...]
    source: Path
    detect_columns: tuple[str, ...] = ()
    timezone: str = DEFAULT_TIMEZONE
    personal: tuple[str, ...] = ()
    empty_values: frozenset[str] = frozenset()
    outputs: tuple[_Output, ...] = field(default=(), repr=False)
    self_referral: str = "refuse"  # or "no_referrer": see _no_self_invite

    def matches(self, header: list[str]) -> bool:
        """True when every ``detect`` column is in the header."""
        return not self.missing(header)

    def missing(self, header: list[str]) -> list[str]:
        """The ``detect`` columns the header lacks."""
        present = {norm_header(h) for h in header}
        return [c for c in self.detect_columns if c not in present]

    def known_columns(self) -> list[str]:
        """Every source column the profile looks at."""
        names = [*self.detect_columns, *self.personal]
        for output in self.outputs:
            names.extend(output.when)
            for f in (*output.fields, *output.extra):
                names.extend(f.columns())
        return list(dict.fromkeys(names))

    def personal_columns(self) -> list[str]:
        """Source columns holding personal data (mapped or not); quarantine must mask them."""
        names = list(self.personal)
        for output in self.outputs:
            for f in (*output.fields, *output.extra):
                names.extend(f.personal_columns())
        return list(dict.fromkeys(names))

    def apply(self, record: Record, hasher: Callable[[str], str]) -> list[Row]:
        """The canonical rows one record yields, in ``entities`` order; or ``RowError``."""
        cells = self._cells(record.values)
        empty = self._empty
        rows = []
        for output, template, plan in self._plans:
            if output.when and any(self._empty(cells.get(c)) for c in output.when):
                continue
            values = template.copy()
            for name, fast, f in plan:
                values[name] = (fast(cells) if fast is not None
                                else f.resolve(cells, hasher, output.entity, empty)[0])
            extra: dict[str, Any] = {}
            for f in output.extra:
                value, used = f.resolve(cells, hasher, output.entity, empty)
                extra[f.name] = value
                if used is not None and len(f.alternatives) > 1:
                    extra[f"{f.name}_column"] = used
            if output.entity in _CHECKED:
                self._check(output.entity, values)
            rows.append(Row(output.entity, values, line=record.line, extra=extra))
        if self.self_referral == "no_referrer":
            _no_self_invite(rows)
        return rows

    # -- the compiled plan: what ``apply`` does per output, worked out once per profile

    @cached_property
    def _plans(self) -> tuple[tuple[_Output, dict[str, Any], tuple[_PlanStep, ...]], ...]:
        plans = []
        for output in self.outputs:
            template: dict[str, Any] = dict.fromkeys(canonical.by_name(output.entity).header)
            steps = tuple((f.name, f.quick(output.entity, self.empty_values, self._empty), f)
                          for f in output.fields)
            plans.append((output, template, steps))
        return tuple(plans)

    @cached_property
    def _headers(self) -> dict[tuple[Any, ...], bool]:
        return {}  # a record's keys -> whether they need norm_header

    def _cells(self, values: dict[str, Any]) -> Mapping[str, Any]:
        """The record's cells under normalised headers (the record's own dict when clean)."""
        keys = tuple(values)
        clean = self._headers.get(keys)
        if clean is None:
            clean = all(type(k) is str and norm_header(k) == k for k in keys)
            if len(self._headers) > 1024:  # JSONL records may each have other keys
                self._headers.clear()
            self._headers[keys] = clean
        return values if clean else {norm_header(k): v for k, v in values.items()}

    # -- helpers

    def _empty(self, value: Any) -> bool:
        return is_empty(value) or (isinstance(value, str) and value.strip() in self.empty_values)

    @staticmethod
    def _check(entity: str, values: dict[str, Any]) -> None:
        """Refuse money the store cannot mean: past ``MAX_MONEY``, a negative amount not
        refunded, a commission above its order's amount (the store keeps 64-bit integers
        and once clamped 2**63 fen to 2**63-1 without a word; a downline's GMV then
        summed past it and came out negative)."""
        names = ("amount", "commission") if entity == "purchases" else ("price",)
        for name in names:
            amount = values.get(name)
            if isinstance(amount, int) and abs(amount) > MAX_MONEY:
                raise RowError("out_of_range", f"{entity}.{name} is {amount} fen, past the "
                               f"bound of {MAX_MONEY} fen (¥{MAX_MONEY // 100:,} a line)")
        if entity == "purchases":
            status = values.get("status")
            for name in names:
                amount = values.get(name)
                if isinstance(amount, int) and amount < 0 and status != "refunded":
                    raise RowError("out_of_range", f"purchases.{name} is negative ({amount} "
                                   f"fen) but the status is {status!r}, not refunded")
            amount, commission = values.get("amount"), values.get("commission")
            if (isinstance(amount, int) and isinstance(commission, int)
                    and abs(commission) > abs(amount)):
                raise RowError("commission_above_amount",
                               f"purchases.commission ({commission} fen) is above the "
                               f"order's amount ({amount} fen)")
        elif entity == "members":
            status = values.get("status")
            if status is not None and status not in MEMBER_STATUSES:
                raise RowError("unknown_status", f"members.status {status!r} is not one of "
                               f"{', '.join(MEMBER_STATUSES)}")
        elif entity == "products":
            price = values.get("price")
            if isinstance(price, int) and price < 0:
                raise RowError("out_of_range", f"products.price is negative ({price} fen)")


# The most one order line (or a product's price) may be, in fen: ¥10 billion. Far above
# any real line, far below 2**63, so no sum over a network overflows the store's integers.
MAX_MONEY = 10**12
_CHECKED = frozenset({"purchases", "products", "members"})  # entities Profile._check looks at


def _no_self_invite(rows: list[Row]) -> None:
    """A member the export names as their own inviter (by their id or their own account)
    has no referrer: the row keeps the member with ``extra["note"] = "self_invite"``.

    Youzan's own API sample holds such rows; they say "no inviter", not a refused
    referral, so they are not sent to the referral rules (``self_referral``).
    """
    own = {r.values.get("account_id") for r in rows if r.entity == "accounts"}
    for row in rows:
        if row.entity != "members":
            continue
        member, referrer = row.values.get("member_id"), row.values.get("referrer_id")
        named = {referrer, row.extra.get("referrer_account")} - {None}
        if named and (member in named or named & own):
            row.values["referrer_id"] = None
            row.extra["note"] = "self_invite"  # entities Profile._check looks at
_PlanStep = tuple[str, "Callable[[Mapping[str, Any]], Any] | None", Field]


# --------------------------------------------------------------------------- loading


def builtin_dir() -> Path:
    """Where the built-in profiles live (package data)."""
    return Path(__file__).resolve().parent / "profiles"


def load_profile(path: Path) -> Profile:
    """One profile file; ``BadInput`` naming the file and the problem if it is not valid."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise BadInput(f"profile {path}: not valid TOML: {e}") from None
    except OSError as e:
        raise BadInput(f"profile {path}: cannot be read: {e.strerror or e}") from None
    return _compile(data, path)


def _load_dir(directory: Path) -> dict[str, Profile]:
    found: dict[str, Profile] = {}
    for path in sorted(directory.glob("*.toml")):
        profile = load_profile(path)
        if profile.name in found:
            raise BadInput(f"profile {path}: name {profile.name!r} is already used by "
                             f"{found[profile.name].source}")
        found[profile.name] = profile
    return found


def load_profiles(extra_dirs: Iterable[Path] = ()) -> dict[str, Profile]:
    """Built-in profiles, then each user directory's (same name: the user's replaces it).

    A directory that does not exist is skipped (a default user directory may not have
    been made yet); a path that is not a directory, or a bad file in one, is ``BadInput``.
    """
    profiles = _load_dir(builtin_dir())
    for directory in extra_dirs:
        directory = Path(directory)
        if not directory.exists():
            continue
        if not directory.is_dir():
            raise BadInput(f"profile directory {directory} is not a directory")
        profiles.update(_load_dir(directory))
    return profiles


