"""Ids pass one rule (``loaders.ids``), enumerated fields are checked, values are capped,
and the quarantine file cannot run as a spreadsheet formula."""

from __future__ import annotations

import csv
import doctest
import json
import tracemalloc
from pathlib import Path

import pytest

from refnet.loaders.profiles import Profile, load_profiles
from refnet.loaders.quarantine import Writer, read_refused_referrals
from refnet.loaders.readers import open_source, records
from refnet.loaders.records import REASONS, Record, RowError
from refnet.loaders.values import parse_field_value

MEMBER = {"member_id": "m0001", "referrer_id": "", "platform": "taobao",
          "joined_at": "", "status": "active", "tier": ""}


@pytest.fixture(scope="module")
def members() -> Profile:
    return load_profiles()["canonical-members"]


def apply(profile: Profile, **cells: str) -> dict:
    (row,) = profile.apply(Record(2, {**MEMBER, **cells}), lambda v: v)
    return row.values


AMBIGUOUS = {
    "zero-width space": "m0001\u200b",
    "right-to-left mark": "m0001\u200f",
    "word joiner": "m\u20600001",
    "byte-order mark mid-file": "\ufeffm0001",
    "Cyrillic О": "mО001",
    "Greek ο": "mο001",
    "full-width digits": "m０００１",
    "full-width letters": "ｍ0001",
    "C1 control": "m00\x9b01",
}


@pytest.mark.parametrize("value", AMBIGUOUS.values(), ids=AMBIGUOUS.keys())
def test_an_id_the_rule_would_change_is_refused(members: Profile, value: str) -> None:
    for column in ("member_id", "referrer_id"):
        with pytest.raises(RowError) as caught:
            apply(members, **{column: value})
        assert caught.value.code == "ambiguous_id"
    with pytest.raises(RowError) as caught:
        parse_field_value("id", value)
    assert caught.value.code == "ambiguous_id"
    assert "ambiguous_id" in REASONS


@pytest.mark.parametrize("value", ["m0001\u00a0", " m0001 ", "\u3000m0001", "m0001\t"])
def test_surrounding_whitespace_is_trimmed(members: Profile, value: str) -> None:
    assert apply(members, member_id=value)["member_id"] == "m0001"
    assert parse_field_value("id", value) == "m0001"


@pytest.mark.parametrize("value", ["会员0001", "Иван01", "m-0001_x", "ΑΒΓ12", "店铺A1"])
def test_ids_in_one_script_or_with_han_pass(members: Profile, value: str) -> None:
    assert apply(members, member_id=value)["member_id"] == value


def test_the_rule_is_documented_by_its_doctests() -> None:
    from refnet.loaders import ids

    assert doctest.testmod(ids).failed == 0


@pytest.mark.parametrize("status", ["=cmd|' /C calc'!A0", "ACTIVE", "正常", "deleted"])
def test_member_status_must_be_a_known_status(members: Profile, status: str) -> None:
    with pytest.raises(RowError) as caught:
        apply(members, status=status)
    assert caught.value.code == "unknown_status"


def test_known_member_statuses_pass(members: Profile) -> None:
    for status in ("active", "inactive", "banned", ""):
        assert apply(members, status=status)["status"] == (status or None)


def _codes(path: Path) -> list[tuple[int, str | None]]:
    return [(r.line, r.values.get("_code")) for r in records(open_source(path))]


def test_an_oversized_cell_is_refused_in_every_format(tmp_path: Path) -> None:
    big = "x" * 5000
    csv_path = tmp_path / "m.csv"
    csv_path.write_text(f"member_id,platform\nm1,{big}\nm2,taobao\n", encoding="utf-8")
    assert _codes(csv_path) == [(2, "too_large"), (3, None)]
    jsonl = tmp_path / "m.jsonl"
    jsonl.write_text(json.dumps({"member_id": "m1", "platform": big}) + "\n"
                     + json.dumps({"member_id": "m2", "platform": "taobao"}) + "\n")
    assert _codes(jsonl) == [(1, "too_large"), (2, None)]
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    ws.append(["member_id", "platform"])
    ws.append(["m1", big])
    ws.append(["m2", "taobao"])
    wb.save(tmp_path / "m.xlsx")
    assert _codes(tmp_path / "m.xlsx") == [(2, "too_large"), (3, None)]
    bad = next(records(open_source(csv_path))).values
    assert len(bad["_raw"]) < 300  # quarantine keeps a preview, not the value


def test_an_overlong_jsonl_line_is_refused_without_holding_it(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"member_id": "m0", "platform": "taobao"}) + "\n")
        f.write('{"member_id": "m1", "platform": "' + "y" * (20 << 20) + '"}\n')
        f.write(json.dumps({"member_id": "m2", "platform": "taobao"}) + "\n")
    source = open_source(path)
    tracemalloc.start()
    try:
        got = [(r.line, r.values.get("_code")) for r in records(source)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got == [(1, None), (2, "too_large"), (3, None)]
    assert peak < 8 << 20  # a 20 MB line, never held whole


def test_quarantine_cells_cannot_run_as_formulas(tmp_path: Path) -> None:
    path = tmp_path / "q.bad.csv"
    with Writer(path) as bad:
        bad.write("=HYPERLINK(\"http://x\").csv", 2, "referrals", "bad_value", "-1 is @odd",
                  {"referrer_id": "=cmd|' /C calc'!A0", "member_id": "m1"})
        bad.write("+x.csv", 3, "members", "bad_text", "\tx", {})
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    assert [r[0] for r in rows] == ["'=HYPERLINK(\"http://x\").csv", "'+x.csv"]
    assert rows[0][4] == "'-1 is @odd" and rows[1][4] == "'\tx"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r)
    assert read_refused_referrals(path) == [("bad_value", ["=cmd|' /C calc'!A0", "m1"])]


def test_an_unreadable_row_keeps_only_a_preview_for_quarantine(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text('member_id,platform\nm1,"' + "z" * 300_000 + '"\nm2,taobao\n',
                    encoding="utf-8")
    bad, good = records(open_source(path))
    assert bad.values["_error"].startswith("csv: field larger than field limit")
    assert len(bad.values["_raw"]) < 5000
    assert good.values == {"member_id": "m2", "platform": "taobao"}
