"""Exports open in a spreadsheet as text: nothing a platform export carries runs as a
formula, in XLSX or in CSV."""

from __future__ import annotations

import csv
import io

import openpyxl

from refnet.api.web.export import to_csv, to_xlsx

HOSTILE = ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "\tx", "plain", "一二三"]


def test_xlsx_cells_are_text_never_formulas() -> None:
    body = to_xlsx("成员", ["编号", "金额"], [[v, 1.5] for v in HOSTILE])
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert sheet.title == "成员"
    got = [(c.value, c.data_type) for c in sheet["A"][1:]]
    assert got == [(v, "s") for v in HOSTILE]
    assert [c.value for c in sheet["B"][1:]] == [1.5] * len(HOSTILE)


def test_csv_is_utf8_with_a_bom_and_formulas_are_quoted_out() -> None:
    body = to_csv(["编号"], [[v] for v in HOSTILE])
    assert body.startswith(b"\xef\xbb\xbf")
    rows = [r[0] for r in csv.reader(io.StringIO(body.decode("utf-8-sig")))]
    assert rows[0] == "编号"
    assert rows[1:] == ["'" + v for v in HOSTILE[:5]] + HOSTILE[5:]


def test_sheet_names_are_ones_excel_takes_and_distinct() -> None:
    from refnet.api.web.export import to_xlsx_book

    titles = ["members.csv", "MEMBERS.CSV", "a/b:c*[d]?", "x" * 40, "x" * 40]
    body = to_xlsx_book([(t, ["h"], [["v"]]) for t in titles])
    names = openpyxl.load_workbook(io.BytesIO(body)).sheetnames
    assert len({n.lower() for n in names}) == len(titles)
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert names[0] == "members.csv" and names[2] == "a_b_c__d__"
