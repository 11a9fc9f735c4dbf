"""A file mixing UTF-8 and GB18030 rows: each row is read as the file's proven encoding or
refused as ``bad_encoding``; mojibake (会员 read as 浼氬憳) is never handed on."""

from __future__ import annotations

from pathlib import Path

import pytest

from refnet.loaders.readers import open_source, records
from refnet.loaders.records import REASONS

UTF8_ROWS = [("1", "会员"), ("2", "张三")]
GB_ROWS = [("3", "李四"), ("4", "王五"), ("5", "赵六")]


def _mixed(tmp_path: Path, gb_first: bool, fmt: str) -> Path:
    def line(row: tuple[str, str], enc: str) -> bytes:
        if fmt == "jsonl":
            return f'{{"id": "{row[0]}", "name": "{row[1]}"}}\n'.encode(enc)
        return f"{row[0]},{row[1]}\n".encode(enc)

    utf8 = b"".join(line(r, "utf-8") for r in UTF8_ROWS)
    gb = b"".join(line(r, "gb18030") for r in GB_ROWS)
    head = b"" if fmt == "jsonl" else b"id,name\n"
    path = tmp_path / f"mixed.{fmt}"
    path.write_bytes(head + (gb + utf8 if gb_first else utf8 + gb))
    return path


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("gb_first", [True, False])
def test_mixed_rows_are_read_right_or_refused(tmp_path: Path, gb_first: bool, fmt: str) -> None:
    source = open_source(_mixed(tmp_path, gb_first, fmt))
    assert source.encoding == "gb18030"  # most rows are GB18030: the evidence decides
    good = {r.values["id"]: r.values["name"] for r in records(source) if "_error" not in r.values}
    bad = [r for r in records(source) if "_error" in r.values]
    assert good == dict(GB_ROWS)
    assert len(bad) == len(UTF8_ROWS)
    assert {r.values["_code"] for r in bad} == {"bad_encoding"}
    assert all("UTF-8" in r.values["_error"] for r in bad)
    assert "bad_encoding" in REASONS


def test_mostly_utf8_file_refuses_its_gb18030_rows(tmp_path: Path) -> None:
    rows = [("1", "会员"), ("2", "张三"), ("3", "团长"), ("4", "推广")]
    data = b"id,name\n" + "".join(f"{a},{b}\n" for a, b in rows).encode("utf-8")
    path = tmp_path / "m.csv"
    path.write_bytes(data + "9,李四\n".encode("gb18030"))
    source = open_source(path)
    assert source.encoding == "utf-8"
    got = list(records(source))
    assert {r.values["id"]: r.values["name"] for r in got[:4]} == dict(rows)
    assert got[4].values["_code"] == "bad_encoding"


def test_a_file_valid_as_utf8_is_utf8_however_long(tmp_path: Path) -> None:
    """The proof covers the whole file, not its first MiB."""
    path = tmp_path / "long.csv"
    path.write_bytes(b"id,name\n" + b"1,abc\n" * 300_000 + "2,会员\n".encode())
    source = open_source(path)
    assert source.encoding == "utf-8"
    assert list(records(source))[-1].values == {"id": "2", "name": "会员"}
