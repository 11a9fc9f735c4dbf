"""Export profiles: declarative TOML files that map a platform export onto canonical rows.

A profile says how to recognise an export (its ``detect`` columns) and how one record
of it becomes canonical rows (one ``[[output]]`` per entity, in write order). Built-in
profiles live in ``loaders/profiles/*.toml``; a user adds one by dropping a ``.toml``
file into a profile directory, no code. ``load_profiles`` reads both, ``detect`` picks
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

Parsers (each raises ``RowError`` with ``bad_value``, ``bad_text``, ``out_of_range`` or
``unknown_status``; ``None`` means empty):

========== ================================================================================
id         text id, stripped; XLSX numbers 123.0 -> "123"; refuses ids Excel turned into
           floats past 2**53 or into scientific notation; ``="123"`` and ``'123`` unwrapped
text       stripped text; control characters -> ``bad_text``
int        whole number ("1,234" ok)
money_yuan yuan text or number -> integer fen, exact (Decimal): "¥1,234.50", "￥12", "-3.20",
           "12.5元", XLSX 1234.5; more than 2 decimals -> ``bad_value``
money_fen  integer fen as given
time_local "2023-10-01 19:54:25", "2023/10/01 19:54", "2023-10-01", an XLSX datetime, in the
           profile's timezone (an ISO text with an offset keeps it) -> epoch ms UTC;
           "1970-01-01 08:00:00" (epoch 0, "not set") -> empty
epoch_s    Unix seconds -> epoch ms; 0 -> empty (not set)
epoch_ms   Unix milliseconds; 0 -> empty
per_mille  25 -> 0.025 (range 0..1)
percent    "2.50 %" or 2.5 -> 0.025 (range 0..1)
status     through ``map`` to paid | settled | refunded | invalid
bool       true/false, 1/0, yes/no, 是/否
json_key   a JSON object text: the first non-empty of its ``key`` names (none: empty); a
           value that is not a JSON object is taken whole (for hints, never fatal)
canonical  the canonical format's own reading (``canonical.parse_value``) of that column
========== ================================================================================

``detect`` picks the matching profile with the most ``detect`` columns, then the one that
reads more of the header's columns. ``apply`` emits every canonical column of each output
entity (``None`` where unmapped), checks that amounts are negative only on refunded
purchases (``out_of_range``), and puts ``extra`` values in ``Row.extra``; an extra read
from a list of alternative columns also records which one gave it as ``<name>_column``
(e.g. ``promoter_account_column = "relation_id"``).
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import canonical
from .records import REASONS, Record, Row, RowError

__all__ = [
    "PARSERS", "STATUSES", "Profile", "builtin_dir", "detect", "load_profile",
    "load_profiles", "normalize_phone", "parse_field_value",
]

STATUSES = ("paid", "settled", "refunded", "invalid")
KNOWN_PLATFORMS = ("taobao", "pdd", "jd", "youzan")
DEFAULT_TIMEZONE = "Asia/Shanghai"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CONTROL_ANY = re.compile(r"[\x00-\x1f\x7f]")
_SCIENTIFIC = re.compile(r"^[+-]?\d(\.\d+)?[eE][+-]?\d+$")
_INT_TEXT = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$|^[+-]?\d+$")
_DECIMAL_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_PHONE = re.compile(r"^(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_CURRENCY = ("¥", "￥", "RMB", "CNY", "元")
_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M", "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
)
_TRUE = frozenset({"true", "1", "yes", "y", "t", "是"})
_FALSE = frozenset({"false", "0", "no", "n", "f", "否"})


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class _Ctx:
    """What a parser may need besides the value."""

    tz: tzinfo = UTC
    mapping: Mapping[str, Any] | None = None
    keys: tuple[str, ...] = ()
    column: canonical.Column | None = None


def _bad(message: str) -> RowError:
    return RowError("bad_value", message)


def _as_text(value: Any) -> str:
    """A raw cell as text: strings stripped, XLSX whole floats without ``.0``."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return str(int(value))
    return str(value).strip()


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_text(text: str) -> str:
    if _CONTROL_ANY.search(text):
        raise RowError("bad_text", f"contains a control character: {text!r}")
    return text


def _parse_id(value: Any, ctx: _Ctx) -> str | None:
    if isinstance(value, bool | datetime | date | time):
        raise _bad(f"an id must be text or a whole number, got {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else value
        if not number.is_finite() or number != number.to_integral_value():
            raise _bad(f"an id must be a whole number, got {value!r}")
        if abs(number) >= 2**53:
            raise _bad(f"id {value!r} was stored as a number and has lost digits; "
                       "export ids as text")
        return str(int(number))
    text = str(value).strip()
    if text.startswith('="') and text.endswith('"'):  # Excel's keep-as-text formula
        text = text[2:-1].strip()
    elif text.startswith("'"):
        text = text[1:].strip()
    if not text:
        return None
    if _SCIENTIFIC.match(text):
        raise _bad(f"id {text!r} is in scientific notation (a spreadsheet shortened it); "
                   "export ids as text")
    return _check_text(text)


def _parse_text(value: Any, ctx: _Ctx) -> str | None:
    text = _as_text(value)
    if not text:
        return None
    if _CONTROL.search(text):
        raise RowError("bad_text", f"contains a control character: {text!r}")
    return " ".join(text.split()) if "\n" in text or "\t" in text else text


def _parse_int(value: Any, ctx: _Ctx) -> int | None:
    if isinstance(value, bool):
        raise _bad(f"expected a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        if not math.isfinite(value) or value != int(value):
            raise _bad(f"expected a whole number, got {value!r}")
        return int(value)
    text = str(value).strip()
    if not text:
        return None
    if not _INT_TEXT.match(text):
        raise _bad(f"expected a whole number, got {text!r}")
    return int(text.replace(",", ""))


def _decimal(value: Any, unit: str) -> Decimal | None:
    """A number from text or a cell; floats through their shortest repr (12.3 -> 12.3)."""
    if isinstance(value, bool | datetime | date | time):
        raise _bad(f"expected an amount in {unit}, got {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _bad(f"expected an amount in {unit}, got {value!r}")
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _bad(f"expected an amount in {unit}, got {value!r}")
        return value
    text = str(value).strip()
    if not text:
        return None
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    sign = ""
    if cleaned[:1] in "+-":
        sign, cleaned = cleaned[:1], cleaned[1:]
    for mark in _CURRENCY:
        if cleaned.startswith(mark):
            cleaned = cleaned[len(mark):]
        if cleaned.endswith(mark):
            cleaned = cleaned[: -len(mark)]
    if not sign and cleaned[:1] in "+-":
        sign, cleaned = cleaned[:1], cleaned[1:]
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d*)?", cleaned):
        cleaned = cleaned.replace(",", "")
    if not _DECIMAL_TEXT.match(cleaned):
        raise _bad(f"expected an amount in {unit}, got {text!r}")
    try:
        return Decimal(sign + cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern above rules it out
        raise _bad(f"expected an amount in {unit}, got {text!r}") from None


def _parse_money_yuan(value: Any, ctx: _Ctx) -> int | None:
    amount = _decimal(value, "yuan")
    if amount is None:
        return None
    fen = amount * 100
    if fen != fen.to_integral_value():
        if isinstance(value, float) and abs(fen - fen.quantize(Decimal(1))) < Decimal("1e-6"):
            fen = fen.quantize(Decimal(1))  # a spreadsheet float like 0.30000000000000004
        else:
            raise _bad(f"amount {value!r} has more than 2 decimal places (fen)")
    return int(fen)


def _parse_money_fen(value: Any, ctx: _Ctx) -> int | None:
    amount = _decimal(value, "fen")
    if amount is None:
        return None
    if amount != amount.to_integral_value():
        raise _bad(f"an amount in fen must be a whole number, got {value!r}")
    return int(amount)


def _epoch_ms(moment: datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def _parse_time_local(value: Any, ctx: _Ctx) -> int | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        moment = _excel_serial(float(value))
    else:
        text = str(value).strip()
        if not text:
            return None
        moment = _read_time_text(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ctx.tz)
    ms = _epoch_ms(moment)
    return None if ms == 0 else ms  # "1970-01-01 08:00:00" in China time: never set


# Excel stores a date as days since 1899-12-30 (the 1900 system) when a column is not
# formatted as a date; 25569 is 1970-01-01 and 73051 is 2100-01-01.
_EXCEL_EPOCH = datetime(1899, 12, 30)
_EXCEL_SERIALS = (25_569.0, 73_051.0)


def _excel_serial(days: float) -> datetime:
    if not _EXCEL_SERIALS[0] <= days < _EXCEL_SERIALS[1]:
        raise _bad(f"expected a date and time, got the number {days!r} "
                   "(not an Excel date between 1970 and 2100)")
    return _EXCEL_EPOCH + timedelta(days=days)


def _read_time_text(text: str) -> datetime:
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise _bad(f"expected a time like 2023-10-01 19:54:25, got {text!r}") from None


def _parse_epoch(value: Any, scale: int) -> int | None:
    if isinstance(value, str) and not value.strip():
        return None
    number = _decimal(value, "seconds" if scale == 1000 else "milliseconds")
    if number is None:
        return None
    if number != number.to_integral_value():
        if scale == 1000:
            number = number.quantize(Decimal("0.001"))
        else:
            raise _bad(f"epoch milliseconds must be a whole number, got {value!r}")
    ms = int(number * scale)
    if ms == 0:
        return None
    if ms < 0:
        raise RowError("out_of_range", f"a time before 1970: {value!r}")
    if scale == 1000 and ms > 10**14:
        raise RowError("out_of_range", f"{value!r} is too large for epoch seconds "
                       "(milliseconds? use parse = \"epoch_ms\")")
    if scale == 1 and ms < 10**11:
        raise RowError("out_of_range", f"{value!r} is too small for epoch milliseconds "
                       "(seconds? use parse = \"epoch_s\")")
    return ms


def _parse_epoch_s(value: Any, ctx: _Ctx) -> int | None:
    return _parse_epoch(value, 1000)


def _parse_epoch_ms(value: Any, ctx: _Ctx) -> int | None:
    return _parse_epoch(value, 1)


def _rate(value: Any, per: int, mark: str) -> float | None:
    if isinstance(value, str):
        value = value.strip().removesuffix(mark).strip()
        if not value:
            return None
    number = _decimal(value, "a rate")
    if number is None:
        return None
    rate = number / per
    if not 0 <= rate <= 1:
        raise RowError("out_of_range", f"rate {value!r}{mark} is outside 0..1")
    return float(rate)


def _parse_per_mille(value: Any, ctx: _Ctx) -> float | None:
    return _rate(value, 1000, "‰")


def _parse_percent(value: Any, ctx: _Ctx) -> float | None:
    return _rate(value, 100, "%")


def _parse_status(value: Any, ctx: _Ctx) -> str | None:
    code = _as_text(value)
    if not code:
        return None
    mapping = ctx.mapping or {}
    if code not in mapping:
        known = ", ".join(sorted(mapping))
        raise RowError("unknown_status", f"status {code!r} is not mapped (known: {known})")
    return mapping[code]


def _parse_bool(value: Any, ctx: _Ctx) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _as_text(value).lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _bad(f"expected true or false, got {value!r}")


def _parse_json_key(value: Any, ctx: _Ctx) -> str | None:
    if isinstance(value, Mapping):
        data: Any = value
    else:
        text = _as_text(value)
        if not text:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            data = text
    if isinstance(data, Mapping):
        for key in ctx.keys:
            found = data.get(key)
            if not _is_empty(found) and not isinstance(found, Mapping | list):
                return _parse_id(found, ctx)
        return None
    if isinstance(data, str | int) and not isinstance(data, bool):
        try:
            return _parse_id(data, ctx)
        except RowError:
            return None
    return None


def _parse_canonical(value: Any, ctx: _Ctx) -> Any:
    column = ctx.column
    assert column is not None
    if isinstance(value, datetime):
        text = value.isoformat()
    elif value is None:
        text = ""
    else:
        text = _as_text(value)
    if not text:
        return None
    if column.kind in ("id", "str"):
        _check_text(text)
    try:
        return canonical.parse_value(column, text)
    except ValueError as e:
        if column.kind == "weight":
            try:
                float(text)
            except ValueError:
                pass
            else:
                raise RowError("out_of_range", str(e)) from None
        raise _bad(str(e)) from None


Parser = Callable[[Any, _Ctx], Any]

PARSERS: dict[str, Parser] = {
    "id": _parse_id,
    "text": _parse_text,
    "int": _parse_int,
    "money_yuan": _parse_money_yuan,
    "money_fen": _parse_money_fen,
    "time_local": _parse_time_local,
    "epoch_s": _parse_epoch_s,
    "epoch_ms": _parse_epoch_ms,
    "per_mille": _parse_per_mille,
    "percent": _parse_percent,
    "status": _parse_status,
    "bool": _parse_bool,
    "json_key": _parse_json_key,
    "canonical": _parse_canonical,
}


def parse_field_value(
    parse: str,
    value: Any,
    *,
    timezone: str = DEFAULT_TIMEZONE,
    mapping: Mapping[str, Any] | None = None,
    keys: Iterable[str] = (),
) -> Any:
    """Run one named parser on one raw value (what a profile field does, for tests and tools)."""
    ctx = _Ctx(tz=ZoneInfo(timezone), mapping=mapping, keys=tuple(keys))
    return None if _is_empty(value) else PARSERS[parse](value, ctx)


def normalize_phone(value: str) -> str | None:
    """A mainland mobile number as 11 digits, or None when the text is not one."""
    match = _PHONE.match(value.strip())
    return "".join(match.groups()) if match else None


# --------------------------------------------------------------------------- specs

_FIELD_KEYS = frozenset({
    "column", "value", "parse", "map", "default", "required", "personal", "skip_zero",
    "join_with", "key",
})
_TOP_KEYS = frozenset({
    "name", "title", "platform", "timezone", "detect", "personal", "empty_values", "output",
})
_OUTPUT_KEYS = frozenset({"entity", "when", "fields", "extra"})

Alternative = tuple[str, ...]  # one column, or several joined


@dataclass(frozen=True)
class _Field:
    name: str
    alternatives: tuple[Alternative, ...]
    constant: Any
    parse: str
    ctx: _Ctx
    map: Mapping[str, Any] | None
    default: Any
    required: bool
    personal: bool | str | frozenset[str]
    skip_zero: bool
    join_with: str

    def columns(self) -> list[str]:
        return [c for alt in self.alternatives for c in alt]

    def personal_columns(self) -> list[str]:
        if self.personal is True or self.personal == "phone":
            return self.columns()
        if isinstance(self.personal, frozenset):
            return [c for c in self.columns() if c in self.personal]
        return []


@dataclass(frozen=True)
class _Output:
    entity: str
    when: tuple[str, ...]
    fields: tuple[_Field, ...]
    extra: tuple[_Field, ...]


def _spec_error(source: Path, where: str, problem: str) -> ValueError:
    return ValueError(f"profile {source}: {where}: {problem}")


def _refuse_unknown_keys(source: Path, where: str, table: dict, allowed: frozenset | set) -> None:
    """A typo in a profile is an error that names the file, the place and the keys allowed."""
    unknown = set(table) - set(allowed)
    if unknown:
        raise _spec_error(source, where, f"unknown keys {sorted(unknown)} "
                          f"(allowed: {', '.join(sorted(allowed))})")


def _compile_field(
    source: Path, where: str, name: str, spec: Any, tz: tzinfo,
    column: canonical.Column | None,
) -> _Field:
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
    return _Field(
        name=name,
        alternatives=tuple(alternatives),
        constant=spec.get("value"),
        parse=parse,
        ctx=_Ctx(tz=tz, mapping=mapping if parse == "status" else None, keys=keys,
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
    )


# --------------------------------------------------------------------------- profile


def _norm_header(name: Any) -> str:
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

    def matches(self, header: list[str]) -> bool:
        """True when every ``detect`` column is in the header."""
        return not self.missing(header)

    def missing(self, header: list[str]) -> list[str]:
        """The ``detect`` columns the header lacks."""
        present = {_norm_header(h) for h in header}
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
        rows = []
        for output, template, plan in self._plans:
            if output.when and any(self._empty(cells.get(c)) for c in output.when):
                continue
            values = template.copy()
            for name, fast, f in plan:
                values[name] = (fast(cells) if fast is not None
                                else self._resolve(f, cells, hasher, output.entity)[0])
            extra: dict[str, Any] = {}
            for f in output.extra:
                value, used = self._resolve(f, cells, hasher, output.entity)
                extra[f.name] = value
                if used is not None and len(f.alternatives) > 1:
                    extra[f"{f.name}_column"] = used
            if output.entity in _CHECKED:
                self._check(output.entity, values)
            rows.append(Row(output.entity, values, line=record.line, extra=extra))
        return rows

    # -- the compiled plan: what ``apply`` does per output, worked out once per profile

    @cached_property
    def _plans(self) -> tuple[tuple[_Output, dict[str, Any], tuple[_PlanStep, ...]], ...]:
        plans = []
        for output in self.outputs:
            template: dict[str, Any] = dict.fromkeys(canonical.by_name(output.entity).header)
            steps = tuple((f.name, self._fast(f, output.entity), f) for f in output.fields)
            plans.append((output, template, steps))
        return tuple(plans)

    @cached_property
    def _headers(self) -> dict[tuple[Any, ...], bool]:
        return {}  # a record's keys -> whether they need _norm_header

    def _cells(self, values: dict[str, Any]) -> Mapping[str, Any]:
        """The record's cells under normalised headers (the record's own dict when clean)."""
        keys = tuple(values)
        clean = self._headers.get(keys)
        if clean is None:
            clean = all(type(k) is str and _norm_header(k) == k for k in keys)
            if len(self._headers) > 1024:  # JSONL records may each have other keys
                self._headers.clear()
            self._headers[keys] = clean
        return values if clean else {_norm_header(k): v for k, v in values.items()}

    def _fast(self, f: _Field, entity: str) -> Callable[[Mapping[str, Any]], Any] | None:
        """A quick reading of a plain field's usual cell, or None to always take _resolve.

        Plain: one column, no ``map``, not personal, no ``skip_zero``. The quick path
        only handles the usual case (a non-empty text cell that parses); anything else
        (an empty cell, a non-text cell, a value that fails to parse) goes through
        ``_resolve``, which gives the same result or raises the same error.
        """
        if (len(f.alternatives) != 1 or len(f.alternatives[0]) != 1 or f.personal
                or f.skip_zero or (f.map is not None and f.parse != "status")):
            return None
        column = f.alternatives[0][0]
        empty_values = self.empty_values
        resolve = self._resolve
        # An empty cell reads as the default, or None, or raises missing_required.
        empty_is_none = f.default is None and not f.required
        read = _fast_reader(f)

        def fast(cells: Mapping[str, Any]) -> Any:
            raw = cells.get(column)
            if type(raw) is str:
                text = raw.strip()
                if not text:
                    if empty_is_none:
                        return None
                elif text not in empty_values:
                    value = read(text, raw)
                    if value is not None:
                        return value
            return resolve(f, cells, _no_hasher, entity)[0]

        return fast

    # -- helpers

    def _empty(self, value: Any) -> bool:
        return _is_empty(value) or (isinstance(value, str) and value.strip() in self.empty_values)

    def _raw(self, alt: Alternative, cells: Mapping[str, Any], f: _Field) -> Any:
        if len(alt) == 1:
            value = cells.get(alt[0])
            return None if self._empty(value) else value
        parts = []
        for column in alt:
            value = cells.get(column)
            if self._empty(value):
                return None
            try:
                part = _parse_id(value, f.ctx)
            except RowError as e:
                why = f"{REASONS[e.code]} (value withheld: personal)" if f.personal else e.message
                raise RowError(e.code, f"column {column!r} ({f.name}): {why}") from None
            if part is None:
                return None
            parts.append(part)
        return f.join_with.join(parts)

    def _resolve(
        self, f: _Field, cells: Mapping[str, Any], hasher: Callable[[str], str], entity: str,
    ) -> tuple[Any, str | None]:
        if not f.alternatives:
            return f.constant, None
        parser = PARSERS[f.parse]
        zero: tuple[Any, str] | None = None
        for alt in f.alternatives:
            raw = self._raw(alt, cells, f)
            if raw is None:
                continue
            label = "+".join(alt)
            try:
                if isinstance(raw, Mapping | list) and f.parse != "json_key":
                    raise _bad(f"a {type(raw).__name__} where one value belongs: {raw!r}")
                if f.map is not None and f.parse != "status":
                    raw = f.map.get(_as_text(raw), raw)
                value = parser(raw, f.ctx)
            except RowError as e:
                # a personal value must not reach the quarantine file through the reason
                why = f"{REASONS[e.code]} (value withheld: personal)" if f.personal else e.message
                raise RowError(e.code, f"column {label!r} ({f.name}): {why}") from None
            if value is None:
                continue
            if f.skip_zero and value == 0:
                zero = zero or (value, label)
                continue
            return self._protect(f, value, alt, hasher), label
        if zero is not None:
            return zero
        if f.default is not None:
            return f.default, None
        if f.required:
            names = ", ".join("+".join(alt) for alt in f.alternatives)
            raise RowError("missing_required", f"{entity}.{f.name} is required but "
                           f"{'column' if len(f.alternatives) == 1 else 'columns'} "
                           f"{names} {'is' if len(f.alternatives) == 1 else 'are'} empty")
        return None, None

    @staticmethod
    def _protect(f: _Field, value: Any, alt: Alternative, hasher: Callable[[str], str]) -> Any:
        if not f.personal:
            return value
        text = str(value)
        phone = normalize_phone(text)
        if f.personal == "phone":
            return hasher(phone) if phone else value
        if isinstance(f.personal, frozenset) and not set(alt) & f.personal:
            return value
        return hasher(phone or text)

    @staticmethod
    def _check(entity: str, values: dict[str, Any]) -> None:
        if entity == "purchases":
            status = values.get("status")
            for name in ("amount", "commission"):
                amount = values.get(name)
                if isinstance(amount, int) and amount < 0 and status != "refunded":
                    raise RowError("out_of_range", f"purchases.{name} is negative ({amount} "
                                   f"fen) but the status is {status!r}, not refunded")
        elif entity == "products":
            price = values.get("price")
            if isinstance(price, int) and price < 0:
                raise RowError("out_of_range", f"products.price is negative ({price} fen)")


_CHECKED = frozenset({"purchases", "products"})  # entities Profile._check looks at
_PlanStep = tuple[str, "Callable[[Mapping[str, Any]], Any] | None", _Field]


def _no_hasher(value: str) -> str:  # pragma: no cover - only personal fields hash
    raise AssertionError("a plain field has no personal value to hash")


def _fast_reader(f: _Field) -> Callable[[str, str], Any]:
    """``read(text, raw)``: the field's value for a stripped, non-empty text cell, or None.

    None sends the cell to ``Profile._resolve`` (which then raises the field's error, or
    agrees). Each quick reading returns exactly what the field's parser returns for a
    text that passes it.
    """
    parser, ctx = PARSERS[f.parse], f.ctx
    column = ctx.column
    if f.parse == "canonical" and column is not None:
        kind = column.kind
        if kind in ("id", "str"):
            def read_text(text: str, raw: str) -> Any:
                return text if text.isprintable() or not _CONTROL_ANY.search(text) else None
            return read_text
        if kind in ("int", "money"):
            def read_int(text: str, raw: str) -> Any:
                try:
                    return int(text)
                except ValueError:
                    return None
            return read_int
        if kind == "time":
            def read_time(text: str, raw: str) -> Any:
                try:
                    return canonical.parse_time(text)
                except ValueError:
                    return None
            return read_time
        if kind == "weight":
            def read_weight(text: str, raw: str) -> Any:
                try:
                    weight = float(text)
                except ValueError:
                    return None
                return weight if 0.0 <= weight <= 1.0 else None
            return read_weight

    def read_any(text: str, raw: str) -> Any:
        try:
            return parser(raw, ctx)
        except RowError:
            return None
    return read_any


# --------------------------------------------------------------------------- loading


def builtin_dir() -> Path:
    """Where the built-in profiles live (package data)."""
    return Path(__file__).resolve().parent / "profiles"


def load_profile(path: Path) -> Profile:
    """One profile file; ``ValueError`` naming the file and the problem if it is not valid."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ValueError(f"profile {path}: not valid TOML: {e}") from None
    except OSError as e:
        raise ValueError(f"profile {path}: cannot be read: {e.strerror or e}") from None
    return _compile(data, path)


def _load_dir(directory: Path) -> dict[str, Profile]:
    found: dict[str, Profile] = {}
    for path in sorted(directory.glob("*.toml")):
        profile = load_profile(path)
        if profile.name in found:
            raise ValueError(f"profile {path}: name {profile.name!r} is already used by "
                             f"{found[profile.name].source}")
        found[profile.name] = profile
    return found


def load_profiles(extra_dirs: Iterable[Path] = ()) -> dict[str, Profile]:
    """Built-in profiles, then each user directory's (same name: the user's replaces it).

    A directory that does not exist is skipped (a default user directory may not have
    been made yet); a path that is not a directory, or a bad file in one, is a ValueError.
    """
    profiles = _load_dir(builtin_dir())
    for directory in extra_dirs:
        directory = Path(directory)
        if not directory.exists():
            continue
        if not directory.is_dir():
            raise ValueError(f"profile directory {directory} is not a directory")
        profiles.update(_load_dir(directory))
    return profiles


def detect(header: list[str], profiles: Mapping[str, Profile]) -> Profile:
    """The profile whose ``detect`` set matches with the most columns.

    Equal counts are settled by how many of the header's columns each profile reads (a
    canonical purchases.csv also holds every column shares.csv requires); a tie after that
    is a ``ValueError`` naming both (pick one by name). No match: ``ValueError`` listing
    the closest profiles and the columns they miss.
    """
    present = {_norm_header(h) for h in header}

    def rank(p: Profile) -> tuple[int, int]:
        return len(p.detect_columns), len(present & set(p.known_columns()))

    matching = sorted((p for p in profiles.values() if p.matches(header)),
                      key=lambda p: (tuple(-n for n in rank(p)), p.name))
    if matching:
        best = matching[0]
        tied = [p.name for p in matching if rank(p) == rank(best)]
        if len(tied) > 1:
            raise ValueError(f"the header matches profiles {', '.join(tied)} equally well; "
                             "choose one by name")
        return best
    ranked = sorted(
        profiles.values(),
        key=lambda p: (len(p.missing(header)) / len(p.detect_columns), len(p.missing(header)),
                       p.name),
    )
    closest = "; ".join(f"{p.name} misses {', '.join(p.missing(header))}" for p in ranked[:3])
    shown = ", ".join(_norm_header(h) for h in header[:12]) + (", ..." if len(header) > 12 else "")
    raise ValueError(f"no profile matches the header [{shown}]; closest: {closest}")
