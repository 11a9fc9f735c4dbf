"""Zip bombs and huge sheets are refused from the zip directory, before openpyxl parses a
byte of XML; finding the header reads the first rows, never the whole sheet."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from refnet.loaders.readers import open_source, records, xlsx
from refnet.loaders.records import UnreadableInput
from tests.xlsx_bombs import write_workbook


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open the workbook's XML fails the test."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the workbook was parsed before its sizes were checked")
    monkeypatch.setattr("openpyxl.reader.excel.ExcelReader.read", refuse)


@pytest.mark.parametrize(("kind", "match"), [
    ({"sheet_mb": 24}, r"sheet1\.xml expands \d+ times"),
    ({"strings_mb": 24}, r"sharedStrings\.xml expands \d+ times"),
])
def test_a_zip_bomb_is_refused_by_its_sizes(tmp_path: Path, no_parsing: None, kind: dict,
                                            match: str) -> None:
    path = write_workbook(tmp_path / "bomb.xlsx", **kind)
    assert path.stat().st_size < 200_000  # 24 MB of XML in well under 200 KB
    started = time.perf_counter()
    with pytest.raises(UnreadableInput, match=match):
        open_source(path)
    assert time.perf_counter() - started < 1.0


def test_absolute_caps_hold_whatever_the_ratio(tmp_path: Path, no_parsing: None,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_workbook(tmp_path / "big.xlsx", strings_mb=2)
    monkeypatch.setattr(xlsx, "MAX_RATIO", 10**6)
    monkeypatch.setattr(xlsx, "MAX_SHARED_STRINGS_BYTES", 1 << 20)
    with pytest.raises(UnreadableInput, match="shared strings unpack to"):
        open_source(path)
    monkeypatch.setattr(xlsx, "MAX_SHARED_STRINGS_BYTES", 1 << 30)
    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED_BYTES", 1 << 20)
    with pytest.raises(UnreadableInput, match="unpacks to"):
        open_source(path)


def test_cells_past_the_cap_stop_the_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_workbook(tmp_path / "rows.xlsx", sheet_mb=0)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    ws.append(["member_id", "platform"])
    for i in range(100):
        ws.append([f"m{i}", "taobao"])
    wb.save(path)
    monkeypatch.setattr(xlsx, "MAX_CELLS", 50)
    source = open_source(path)
    with pytest.raises(UnreadableInput, match="more than 50 cells"):
        list(records(source))


def test_planning_reads_the_first_rows_only(tmp_path: Path) -> None:
    """A header below a thousand blank rows is not looked for: planning stops there."""
    path = tmp_path / "blank.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    for _ in range(20_000):
        ws.append([None, None])
    ws.append(["member_id", "platform"])
    ws.append(["m1", "taobao"])
    wb.save(path)
    with pytest.raises(UnreadableInput, match="no header row"):
        open_source(path)


def test_planning_does_not_read_a_sheet_without_dimensions_to_its_end(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl looked for ``<dimension>`` until the end of ``<sheetData>``: every byte."""
    path = write_workbook(tmp_path / "long.xlsx", sheet_mb=8)  # no <dimension> element
    monkeypatch.setattr(xlsx, "MAX_RATIO", 10**6, raising=False)  # past the bomb check
    read = {"bytes": 0}
    original = zipfile.ZipExtFile.read

    def counting(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        data = original(self, n)
        if self.name.endswith("sheet1.xml"):
            read["bytes"] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting)
    source = open_source(path)
    assert source.header == ["member_id", "platform"]
    assert read["bytes"] < 1 << 20  # of 8 MB
    first = next(records(source))
    assert first.values == {"member_id": "m0001", "platform": "taobao"}
