"""Cell value parsers: one raw cell (CSV text, an XLSX number or date, a JSON value) to
the canonical value a profile field asks for, or ``RowError`` with the reason.

A profile field names its parser with ``parse = "..."`` (``profiles.py`` compiles the
field; ``PARSERS`` holds them by name). Each parser takes the raw value and a ``Ctx``
(the profile's timezone, a status ``map``, JSON keys, the canonical column), returns
``None`` for an empty value, and raises ``RowError`` with ``bad_value``, ``bad_text``,
``out_of_range``, ``unknown_status`` or ``ambiguous_id`` (``records.REASONS``) for one it
cannot read:

========== ================================================================================
id         text id, stripped; XLSX numbers 123.0 -> "123"; refuses ids Excel turned into
           floats past 2**53 or into scientific notation; ``="123"`` and ``'123`` unwrapped;
           then ``ids.normalize_id``: invisible, compatibility or mixed-script ids are
           ``ambiguous_id`` (canonical ``id`` columns too)
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

"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from refnet.graph.text import CONTROL, CONTROL_IN_TEXT, control_character

from . import canonical
from .ids import normalize_id
from .records import RowError

__all__ = [
    "DEFAULT_TIMEZONE", "PARSERS", "Ctx", "Parser", "as_text", "bad_value",
    "is_empty", "normalize_phone", "parse_field_value", "parse_id",
]

DEFAULT_TIMEZONE = "Asia/Shanghai"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SCIENTIFIC = re.compile(r"^[+-]?\d(\.\d+)?[eE][+-]?\d+$")
_INT_TEXT = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$|^[+-]?\d+$")
_DECIMAL_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_PHONE = re.compile(r"^(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})$")
_CURRENCY = ("¥", "￥", "RMB", "CNY", "元")
_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M", "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
)
_TRUE = frozenset({"true", "1", "yes", "y", "t", "是"})
_FALSE = frozenset({"false", "0", "no", "n", "f", "否"})


@dataclass(frozen=True)
class Ctx:
    """What a parser may need besides the value."""

    tz: tzinfo = UTC
    mapping: Mapping[str, Any] | None = None
    keys: tuple[str, ...] = ()
    column: canonical.Column | None = None


def bad_value(message: str) -> RowError:
    return RowError("bad_value", message)


def as_text(value: Any) -> str:
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


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_text(text: str) -> str:
    if control_character(text, CONTROL) is not None:
        raise RowError("bad_text", f"contains a control character: {text!r}")
    return text


def parse_id(value: Any, ctx: Ctx) -> str | None:
    if isinstance(value, bool | datetime | date | time):
        raise bad_value(f"an id must be text or a whole number, got {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else value
        if not number.is_finite() or number != number.to_integral_value():
            raise bad_value(f"an id must be a whole number, got {value!r}")
        if abs(number) >= 2**53:
            raise bad_value(f"id {value!r} was stored as a number and has lost digits; "
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
        raise bad_value(f"id {text!r} is in scientific notation (a spreadsheet shortened it); "
                   "export ids as text")
    return normalize_id(_check_text(text))


def _parse_text(value: Any, ctx: Ctx) -> str | None:
    text = as_text(value)
    if not text:
        return None
    if control_character(text, CONTROL_IN_TEXT) is not None:
        raise RowError("bad_text", f"contains a control character: {text!r}")
    return " ".join(text.split()) if "\n" in text or "\t" in text else text


def _parse_int(value: Any, ctx: Ctx) -> int | None:
    if isinstance(value, bool):
        raise bad_value(f"expected a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        if not math.isfinite(value) or value != int(value):
            raise bad_value(f"expected a whole number, got {value!r}")
        return int(value)
    text = str(value).strip()
    if not text:
        return None
    if not _INT_TEXT.match(text):
        raise bad_value(f"expected a whole number, got {text!r}")
    return int(text.replace(",", ""))


def _decimal(value: Any, unit: str) -> Decimal | None:
    """A number from text or a cell; floats through their shortest repr (12.3 -> 12.3)."""
    if isinstance(value, bool | datetime | date | time):
        raise bad_value(f"expected an amount in {unit}, got {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise bad_value(f"expected an amount in {unit}, got {value!r}")
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise bad_value(f"expected an amount in {unit}, got {value!r}")
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
        raise bad_value(f"expected an amount in {unit}, got {text!r}")
    try:
        return Decimal(sign + cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern above rules it out
        raise bad_value(f"expected an amount in {unit}, got {text!r}") from None


def _parse_money_yuan(value: Any, ctx: Ctx) -> int | None:
    amount = _decimal(value, "yuan")
    if amount is None:
        return None
    fen = amount * 100
    if fen != fen.to_integral_value():
        if isinstance(value, float) and abs(fen - fen.quantize(Decimal(1))) < Decimal("1e-6"):
            fen = fen.quantize(Decimal(1))  # a spreadsheet float like 0.30000000000000004
        else:
            raise bad_value(f"amount {value!r} has more than 2 decimal places (fen)")
    return int(fen)


def _parse_money_fen(value: Any, ctx: Ctx) -> int | None:
    amount = _decimal(value, "fen")
    if amount is None:
        return None
    if amount != amount.to_integral_value():
        raise bad_value(f"an amount in fen must be a whole number, got {value!r}")
    return int(amount)


def _epoch_ms(moment: datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def _parse_time_local(value: Any, ctx: Ctx) -> int | None:
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
        raise bad_value(f"expected a date and time, got the number {days!r} "
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
        raise bad_value(f"expected a time like 2023-10-01 19:54:25, got {text!r}") from None


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
            raise bad_value(f"epoch milliseconds must be a whole number, got {value!r}")
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


def _parse_epoch_s(value: Any, ctx: Ctx) -> int | None:
    return _parse_epoch(value, 1000)


def _parse_epoch_ms(value: Any, ctx: Ctx) -> int | None:
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


def _parse_per_mille(value: Any, ctx: Ctx) -> float | None:
    return _rate(value, 1000, "‰")


def _parse_percent(value: Any, ctx: Ctx) -> float | None:
    return _rate(value, 100, "%")


def _parse_status(value: Any, ctx: Ctx) -> str | None:
    code = as_text(value)
    if not code:
        return None
    mapping = ctx.mapping or {}
    if code not in mapping:
        known = ", ".join(sorted(mapping))
        raise RowError("unknown_status", f"status {code!r} is not mapped (known: {known})")
    return mapping[code]


def _parse_bool(value: Any, ctx: Ctx) -> bool | None:
    if isinstance(value, bool):
        return value
    text = as_text(value).lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise bad_value(f"expected true or false, got {value!r}")


def _parse_json_key(value: Any, ctx: Ctx) -> str | None:
    if isinstance(value, Mapping):
        data: Any = value
    else:
        text = as_text(value)
        if not text:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            data = text
    if isinstance(data, Mapping):
        for key in ctx.keys:
            found = data.get(key)
            if not is_empty(found) and not isinstance(found, Mapping | list):
                return parse_id(found, ctx)
        return None
    if isinstance(data, str | int) and not isinstance(data, bool):
        try:
            return parse_id(data, ctx)
        except RowError:
            return None
    return None


def _parse_canonical(value: Any, ctx: Ctx) -> Any:
    column = ctx.column
    assert column is not None
    if isinstance(value, datetime):
        text = value.isoformat()
    elif value is None:
        text = ""
    else:
        text = as_text(value)
    if not text:
        return None
    if column.kind in ("id", "str"):
        _check_text(text)
    if column.kind == "id":
        text = normalize_id(text)
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
        raise bad_value(str(e)) from None


Parser = Callable[[Any, Ctx], Any]

PARSERS: dict[str, Parser] = {
    "id": parse_id,
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
    ctx = Ctx(tz=ZoneInfo(timezone), mapping=mapping, keys=tuple(keys))
    return None if is_empty(value) else PARSERS[parse](value, ctx)


def normalize_phone(value: str) -> str | None:
    """A mainland mobile number as 11 digits, or None when the text is not one."""
    match = _PHONE.match(value.strip())
    return "".join(match.groups()) if match else None
