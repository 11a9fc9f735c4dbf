"""Readers: format, encoding and delimiter detection, header rows, bad rows, streaming.

Every sample file is made here, byte for byte, so each test shows what an export looks
like on disk.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import random
import time
import tracemalloc
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from refnet.loaders import readers
from refnet.loaders.readers import Source, open_source, records
from refnet.loaders.records import Record, UnreadableInput
from tests import samples

openpyxl = pytest.importorskip("openpyxl")

TAOBAO_HEADER = ["创建时间", "商品信息", "订单编号", "付款金额"]
TAOBAO_ROWS = [
    ["2023-10-01 19:54:25", "【官方正品】保湿面霜 50ml", "1830392817262718", "¥1,234.50"],
    ["2023-10-02 08:03:11", "儿童绘本, 全8册", "1830392817262719", "¥89.00"],
]


def write(path: Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


def read(path: Path, **kwargs: str) -> tuple[Source, list[Record]]:
    source = open_source(path, **kwargs)
    return source, list(records(source))


# -- encodings -----------------------------------------------------------------------


def test_utf8_csv(tmp_path: Path) -> None:
    path = write(tmp_path / "orders.csv", csv_text([TAOBAO_HEADER, *TAOBAO_ROWS]))
    source, recs = read(path)
    assert source == Source(path, "csv", "utf-8", TAOBAO_HEADER, None, 1, ",")
    assert [r.line for r in recs] == [2, 3]
    assert recs[0].values == dict(zip(TAOBAO_HEADER, TAOBAO_ROWS[0], strict=True))
    assert recs[1].values["付款金额"] == "¥89.00"


def test_utf8_bom_never_leaks_into_the_first_header(tmp_path: Path) -> None:
    path = write(tmp_path / "orders.csv", "\ufeff" + csv_text([TAOBAO_HEADER, *TAOBAO_ROWS]))
    source, recs = read(path)
    assert source.encoding == "utf-8-sig"
    assert source.header[0] == "创建时间"
    assert recs[0].values["创建时间"] == "2023-10-01 19:54:25"
    # Told "utf-8" explicitly, the BOM is still dropped.
    forced, _ = read(path, encoding="UTF8")
    assert forced.encoding == "utf-8-sig" and forced.header[0] == "创建时间"


def test_gb18030_with_chinese_headers_and_values(tmp_path: Path) -> None:
    text = csv_text([TAOBAO_HEADER, *TAOBAO_ROWS]).replace("\n", "\r\n")
    path = write(tmp_path / "淘宝联盟.csv", text, "gb18030")
    source, recs = read(path)
    assert source.encoding == "gb18030"
    assert source.header == TAOBAO_HEADER
    assert [r.values for r in recs] == [dict(zip(TAOBAO_HEADER, row, strict=True))
                                        for row in TAOBAO_ROWS]
    assert recs[0].values["付款金额"] == "¥1,234.50"
    assert [r.line for r in recs] == [2, 3]


def test_gbk_file_is_read_as_gb18030(tmp_path: Path) -> None:
    """Excel's "CSV" on a Chinese Windows writes GBK; GB18030 is its superset."""
    # GBK has no "¥" (U+00A5); its exports use the full-width "￥".
    rows = [[cell.replace("¥", "￥") for cell in row] for row in TAOBAO_ROWS]
    path = write(tmp_path / "gbk.csv", csv_text([TAOBAO_HEADER, *rows]), "gbk")
    source, recs = read(path)
    assert source.encoding == "gb18030"
    assert recs[0].values["付款金额"] == "￥1,234.50"
    assert recs[1].values["商品信息"] == "儿童绘本, 全8册"


def test_utf16_bom_tab_file_from_excel_unicode_text(tmp_path: Path) -> None:
    path = write(tmp_path / "unicode.txt", csv_text([TAOBAO_HEADER, *TAOBAO_ROWS], "\t"),
                 "utf-16")
    source, recs = read(path)
    assert (source.encoding, source.delimiter, source.header) == ("utf-16", "\t", TAOBAO_HEADER)
    assert recs[0].values["付款金额"] == "¥1,234.50"


def test_multibyte_character_across_the_sample_boundary(tmp_path: Path) -> None:
    """The 1 MiB sample may cut a character in two; that is not a decoding error."""
    for encoding, char in (("utf-8", "订"), ("gb18030", "订"), ("gb18030", "😀")):
        head = "a,b\n"
        width = len(char.encode(encoding))
        pad = readers.SAMPLE_BYTES - len(head) - 5 - width // 2
        text = head + "x" * pad + ",y\n" + ("1," + char + "\n") * 3
        path = write(tmp_path / f"edge_{encoding}_{width}.csv", text, encoding)
        cut = path.read_bytes()[: readers.SAMPLE_BYTES]
        with pytest.raises(UnicodeDecodeError):
            cut.decode(encoding)  # the sample really does end inside a character
        source, recs = read(path)
        assert source.encoding == encoding
        assert recs[-1].values == {"a": "1", "b": char}


def test_random_bytes_are_refused_naming_the_file_and_encodings(tmp_path: Path) -> None:
    data = random.Random(7).randbytes(8192)
    path = write(tmp_path / "noise.csv", b"id,name\n" + data)
    with pytest.raises(UnreadableInput) as err:
        open_source(path)
    message = str(err.value)
    assert "noise.csv" in message
    assert "utf-8" in message and "gb18030" in message and "charset-normalizer" in message
    assert err.value.code == "UNREADABLE_INPUT"


def test_charset_normalizer_guess_is_used_when_confident(tmp_path: Path) -> None:
    """Shift-JIS half-width katakana is neither UTF-8 nor GB18030."""
    text = "注文番号,商品名,金額\n" + "1,ﾘﾝｺﾞ,120\n2,ﾐｶﾝ,340\n" * 20
    path = write(tmp_path / "sjis.csv", text, "shift_jis")
    source, recs = read(path)
    assert source.encoding in {"cp932", "shift_jis"}
    assert source.header == ["注文番号", "商品名", "金額"]
    assert recs[0].values["商品名"] == "ﾘﾝｺﾞ"


def test_explicit_encoding_overrides_detection(tmp_path: Path) -> None:
    path = write(tmp_path / "de.csv", "Bestellung;Größe;Preis\n1;groß;12 €\n", "cp1252")
    source, recs = read(path, encoding="cp1252")
    assert (source.encoding, source.delimiter) == ("cp1252", ";")
    assert recs[0].values == {"Bestellung": "1", "Größe": "groß", "Preis": "12 €"}
    with pytest.raises(UnreadableInput, match="unknown encoding"):
        open_source(path, encoding="no-such-codec")


def test_undecodable_row_is_yielded_as_an_error_not_dropped(tmp_path: Path) -> None:
    """Detection proves the first MiB only; a later row in another encoding is quarantined."""
    data = b"id,name\n1,ok\n2," + "张三".encode("gbk") + b"\n3,fine\n"
    path = write(tmp_path / "mixed.csv", data)
    _, recs = read(path, encoding="utf-8")
    assert [r.line for r in recs] == [2, 3, 4]
    bad = recs[1].values
    assert "not valid utf-8" in bad["_error"]
    assert bad["_raw"] == "2,\\xd5\\xc5\\xc8\\xfd\n"
    json.dumps(bad, ensure_ascii=False).encode("utf-8")  # quarantine can write it
    assert recs[2].values == {"id": "3", "name": "fine"}


# -- CSV structure -------------------------------------------------------------------


def test_quoted_newlines_keep_the_line_where_each_record_starts(tmp_path: Path) -> None:
    text = (
        'id,note,amount\r\n'            # 1
        '1,"first line\r\n'             # 2
        'second line\r\n'               # 3
        'third",10\r\n'                 # 4
        '2,plain,20\r\n'                # 5
        '3,"x\ny",30\r\n'               # 6-7 (a bare \n inside quotes)
        '\r\n'                          # 8
        '4,"",40\r\n'                   # 9
    )
    source, recs = read(write(tmp_path / "notes.csv", text))
    assert source.header_line == 1
    assert [r.line for r in recs] == [2, 5, 6, 9]
    assert recs[0].values["note"] == "first line\r\nsecond line\r\nthird"
    assert recs[2].values["note"] == "x\ny"


def test_blank_rows_are_skipped_anywhere(tmp_path: Path) -> None:
    text = "a,b,c\n1,2,3\n,,\n\n  , ,\n4,5,6\n,,\n,,\n\n"
    _, recs = read(write(tmp_path / "blank.csv", text))
    assert [(r.line, r.values["a"]) for r in recs] == [(2, "1"), (6, "4")]


def test_title_row_before_the_header_csv(tmp_path: Path) -> None:
    text = ("淘宝联盟推广订单报表 2023-10-01至2023-10-31,,,\n"
            + csv_text([TAOBAO_HEADER, *TAOBAO_ROWS]))
    source, recs = read(write(tmp_path / "report.csv", text, "gb18030"))
    assert source.header == TAOBAO_HEADER
    assert source.header_line == 2
    assert [r.line for r in recs] == [3, 4]
    assert recs[0].values["订单编号"] == "1830392817262718"


def test_title_rows_without_delimiters_and_a_partly_empty_header(tmp_path: Path) -> None:
    text = ("推广订单报表\n导出时间: 2023-11-01\n\n"
            "订单编号,,付款金额,\n"
            "A1,x,1.00,\n")
    source, recs = read(write(tmp_path / "report.csv", text))
    assert source.header_line == 4
    assert source.header == ["订单编号", "_col2", "付款金额"]  # trailing blank is padding
    assert recs[0].values == {"订单编号": "A1", "_col2": "x", "付款金额": "1.00"}


def test_tab_delimited_with_unquoted_commas(tmp_path: Path) -> None:
    text = "\t".join(TAOBAO_HEADER) + "\n" + "".join("\t".join(r) + "\n" for r in TAOBAO_ROWS)
    source, recs = read(write(tmp_path / "orders.xls", text, "gb18030"))  # a "fake xls"
    assert (source.format, source.delimiter) == ("csv", "\t")
    assert recs[0].values["付款金额"] == "¥1,234.50"
    assert recs[1].values["商品信息"] == "儿童绘本, 全8册"


def test_semicolon_delimited(tmp_path: Path) -> None:
    source, recs = read(write(tmp_path / "eu.csv", "id;price\n1;1,50\n2;2,75\n"))
    assert source.delimiter == ";"
    assert recs[1].values == {"id": "2", "price": "2,75"}


def test_explicit_delimiter(tmp_path: Path) -> None:
    source, recs = read(write(tmp_path / "pipe.csv", "a|b\n1|2\n"), delimiter="|")
    assert source.header == ["a", "b"] and recs[0].values == {"a": "1", "b": "2"}


def test_duplicate_header_names_are_made_unique(tmp_path: Path) -> None:
    text = " name ,name,id,name_2,name\nA,B,1,C,D\n"
    source, recs = read(write(tmp_path / "dup.csv", text))
    assert source.header == ["name", "name_3", "id", "name_2", "name_4"]
    assert recs[0].values == {"name": "A", "name_3": "B", "id": "1", "name_2": "C", "name_4": "D"}


def test_ragged_rows(tmp_path: Path) -> None:
    text = "a,b,c\n1,2\n1,2,3,4,5\n1,2,3,,\n1\n"
    _, recs = read(write(tmp_path / "ragged.csv", text))
    assert [r.values for r in recs] == [
        {"a": "1", "b": "2", "c": ""},
        {"a": "1", "b": "2", "c": "3", "_extra": ["4", "5"]},
        {"a": "1", "b": "2", "c": "3"},  # trailing empty cells are padding, not data
        {"a": "1", "b": "", "c": ""},
    ]


def test_a_row_the_csv_module_rejects_is_an_error_record(tmp_path: Path) -> None:
    """An unclosed quote swallows text until the field limit; the read goes on after it."""
    limit = csv.field_size_limit()
    text = 'id,note\n1,ok\n2,"never closed ' + "x" * (limit + 10) + "\n3,after\n"
    _, recs = read(write(tmp_path / "quote.csv", text))
    assert [r.line for r in recs] == [2, 3, 4]
    assert recs[1].values["_error"].startswith("csv: field larger than field limit")
    assert recs[1].values["_raw"].startswith('2,"never closed xxx')
    assert recs[2].values == {"id": "3", "note": "after"}


def test_nul_byte_is_passed_on_for_the_profile_to_judge(tmp_path: Path) -> None:
    """Python 3.11's csv reads NUL; the profile's control-character check rejects it."""
    _, recs = read(write(tmp_path / "nul.csv", "id,name\n1,a\x00b\n2,c\n"))
    assert [r.values["name"] for r in recs] == ["a\x00b", "c"]


def test_records_can_be_read_again(tmp_path: Path) -> None:
    source = open_source(write(tmp_path / "o.csv", csv_text([TAOBAO_HEADER, *TAOBAO_ROWS])))
    assert list(records(source)) == list(records(source))


# -- no header, missing, not a table -------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf",
                                     "淘宝联盟推广订单报表\n".encode()])
def test_no_header_row(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path / "empty.csv", content)
    with pytest.raises(UnreadableInput, match=r"empty\.csv has no header row"):
        open_source(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_source(tmp_path / "nope.csv")


def test_legacy_xls_and_html_are_refused_clearly(tmp_path: Path) -> None:
    xls = write(tmp_path / "old.xls", readers.OLE2_MAGIC + b"\x00" * 512)
    with pytest.raises(UnreadableInput, match=r"legacy \.xls"):
        open_source(xls)
    html = write(tmp_path / "fake.xls", "<html><table><tr><td>订单编号</td></tr></table></html>")
    with pytest.raises(UnreadableInput, match="HTML"):
        open_source(html)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "data.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("orders.csv", "a,b\n1,2\n")
    with pytest.raises(UnreadableInput, match=r"not a readable \.xlsx"):
        open_source(path)


# -- XLSX ----------------------------------------------------------------------------


def make_workbook(path: Path) -> Path:
    """An export as Excel users make them: a merged title row, a gap, padding rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单明细"
    ws.merge_cells("A1:F1")
    ws["A1"] = "淘宝联盟推广订单报表 2023-10-01至2023-10-31"
    ws.append(["创建时间", "商品信息", "订单编号", "付款金额", "数量", " 订单编号 "])
    ws.append([datetime(2023, 10, 1, 19, 54, 25), "  面霜  ", "1830392817262718", 1234.5, 2,
               "dup"])
    ws.append([datetime(2023, 10, 2, 8, 3, 11), "绘本", 1830392817262719, 89, 1])
    ws.append([])  # row 5 stays empty
    ws.append([datetime(2023, 10, 3), "  ", None, 0, None, None, "beyond"])  # row 6
    ws.append([" ", None, ""])  # trailing padding rows
    ws.append([None])
    summary = wb.create_sheet("汇总")
    summary.append(["推广位", "订单数"])
    summary.append(["p_1", 3])
    wb.save(path)
    return path


def test_xlsx_title_row_types_and_trailing_rows(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "report.xlsx")
    source, recs = read(path)
    assert source == Source(path, "xlsx", None,
                            ["创建时间", "商品信息", "订单编号", "付款金额", "数量", "订单编号_2"],
                            "订单明细", 2)
    assert [r.line for r in recs] == [3, 4, 6]
    first = recs[0].values
    assert first["创建时间"] == datetime(2023, 10, 1, 19, 54, 25)
    assert isinstance(first["创建时间"], datetime)
    assert first["商品信息"] == "面霜"  # stripped
    assert first["付款金额"] == 1234.5 and first["数量"] == 2 and isinstance(first["数量"], int)
    assert first["订单编号_2"] == "dup"
    assert recs[1].values["订单编号"] == 1830392817262719
    assert recs[1].values["订单编号_2"] is None  # an XLSX cell that is missing is None
    assert recs[2].values["商品信息"] is None and recs[2].values["订单编号"] is None
    assert recs[2].values["付款金额"] == 0 and recs[2].values["_extra"] == ["beyond"]


def test_xlsx_named_and_unknown_sheet(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "report.xlsx")
    source, recs = read(path, sheet="汇总")
    assert (source.sheet, source.header, source.header_line) == ("汇总", ["推广位", "订单数"], 1)
    assert [r.values for r in recs] == [{"推广位": "p_1", "订单数": 3}]
    with pytest.raises(UnreadableInput) as err:
        open_source(path, sheet="Sheet9")
    assert "'Sheet9'" in str(err.value) and "订单明细" in str(err.value)
    assert "汇总" in str(err.value)


def test_xlsx_is_recognised_by_content_not_name(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "report.xlsx")
    renamed = path.rename(tmp_path / "report.xls")
    source, recs = read(renamed)
    assert source.format == "xlsx" and len(recs) == 3


def test_xlsx_workbook_is_closed(tmp_path: Path) -> None:
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.exists():
        pytest.skip("needs /proc to count open files")
    path = make_workbook(tmp_path / "report.xlsx")
    before = len(list(fd_dir.iterdir()))
    source = open_source(path)
    after_open = len(list(fd_dir.iterdir()))
    list(records(source))
    with contextlib.closing(records(source)) as it:
        next(it)  # stopped early, closed by the caller
    assert after_open == before
    assert len(list(fd_dir.iterdir())) == before


def test_xlsx_without_header(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "only a title"
    path = tmp_path / "t.xlsx"
    wb.save(path)
    with pytest.raises(UnreadableInput, match="has no header row"):
        open_source(path)


# -- JSONL ---------------------------------------------------------------------------


def test_jsonl_with_broken_and_non_object_lines(tmp_path: Path) -> None:
    text = (
        '{"order_id": "A1", "amount": 12.5}\n'       # 1
        "\n"                                          # 2
        '{"order_id": "A2", "buyer": "张三", \n'     # 3 broken
        '[1, 2]\n'                                    # 4 not an object
        '{"order_id": "A3", "status": null, "tags": ["x"]}\r\n'  # 5
        "   \n"                                       # 6
    )
    path = write(tmp_path / "events.log", text)
    source, recs = read(path)
    assert (source.format, source.encoding, source.header_line) == ("jsonl", "utf-8", 1)
    assert source.header == ["order_id", "amount", "status", "tags"]
    assert [r.line for r in recs] == [1, 3, 4, 5]
    assert recs[0].values == {"order_id": "A1", "amount": 12.5}
    assert recs[1].values["_error"].startswith("invalid JSON")
    assert recs[1].values["_raw"] == '{"order_id": "A2", "buyer": "张三", '
    assert recs[2].values == {"_error": "not a JSON object but an array", "_raw": "[1, 2]"}
    assert recs[3].values == {"order_id": "A3", "status": None, "tags": ["x"]}


def test_jsonl_broken_first_line_is_still_a_record(tmp_path: Path) -> None:
    path = write(tmp_path / "e.jsonl", '\ufeff{"a": \n{"a": 1, "b": 2}\n')
    source, recs = read(path)
    assert (source.encoding, source.header, source.header_line) == ("utf-8-sig", ["a", "b"], 2)
    assert [r.line for r in recs] == [1, 2]
    assert "_error" in recs[0].values


def test_jsonl_header_is_keys_of_the_first_1000_objects(tmp_path: Path) -> None:
    lines = [json.dumps({"id": i}) for i in range(readers.JSONL_HEADER_OBJECTS)]
    lines.append(json.dumps({"id": "late", "late_key": 1}))
    source, recs = read(write(tmp_path / "many.jsonl", "\n".join(lines) + "\n"))
    assert source.header == ["id"]
    assert recs[-1].values == {"id": "late", "late_key": 1}  # still reaches the record


def test_jsonl_without_objects(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInput, match="has no header row"):
        open_source(write(tmp_path / "e.jsonl", "{broken\n"))


# -- streaming -----------------------------------------------------------------------


def test_streaming_keeps_memory_flat_on_a_50mb_file(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    row = '1830392817262718,member_12345,"' + "商品" * 150 + '",2023-10-01 19:54:25,"¥1,234.50"\n'
    block = row * 2000
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("订单编号,推广者,商品信息,创建时间,付款金额\n")
        while f.tell() < 50_000_000:
            f.write(block)
    size = path.stat().st_size
    started = time.perf_counter()
    tracemalloc.start()
    try:
        source = open_source(path)
        count, last_line = 0, 0
        for record in records(source):
            count += 1
            last_line = record.line
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count > 50_000 and last_line == count + 1
    assert peak < 4_000_000, f"peak {peak:,} bytes reading a {size:,} byte file"
    assert time.perf_counter() - started < 20


# -- round trip ----------------------------------------------------------------------

_SPICY = ["", " ", ",", '"', '""', "\n", "\r\n", "\r", "a,b", '他说"好"', "中文, 逗号",
          "¥1,234.50", "2023-10-01 19:54:25", "\t", ";", "😀", "\x00"]
_cell = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(_SPICY),
    st.lists(st.sampled_from([*_SPICY, "订", "单", "x"]), max_size=4).map("".join),
)
_header_cell = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1,
                       max_size=8).map(str.strip).filter(
    lambda s: bool(s) and not s.startswith(("\ufeff", "{", "<")) and s != "_extra")


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    width = draw(st.integers(2, 5))
    header = draw(st.lists(_header_cell, min_size=width, max_size=width, unique=True))
    rows = draw(st.lists(st.lists(_cell, min_size=width, max_size=width), max_size=6))
    return header, rows


@given(table=tables(), encoding=st.sampled_from(["utf-8", "gb18030"]))
# Quoted cells holding tabs and newlines: split at tabs, their lines once made more
# rows of one width than the comma split's records, and the file was sniffed as TSV.
@example(table=(["0", "1", "00", "000", "0000"], [["", "", "\t", "\n\t", "\n\t"]]),
         encoding="utf-8")
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_csv_round_trip(tmp_path: Path, table: tuple[list[str], list[list[str]]],
                        encoding: str) -> None:
    header, rows = table
    path = tmp_path / "round.csv"
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows([header, *rows])
    data = path.read_bytes()
    ambiguous = encoding == "gb18030" and not data.isascii() and _is_utf8(data)
    # GB18030 bytes that happen to be valid UTF-8 cannot be told apart; say which.
    source = open_source(path, encoding="gb18030") if ambiguous else open_source(path)
    assert source.header == header
    assert source.encoding == ("utf-8" if data.isascii() else encoding)
    expected = [dict(zip(header, row, strict=True)) for row in rows if "".join(row).strip()]
    assert [r.values for r in records(source)] == expected


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_fd_count_helper_is_meaningful() -> None:
    """Guard for test_xlsx_workbook_is_closed: an open file shows up in /proc/self/fd."""
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.exists():
        pytest.skip("needs /proc")
    before = len(list(fd_dir.iterdir()))
    with open(os.devnull):
        assert len(list(fd_dir.iterdir())) == before + 1


# -- contract with tests/samples.py -------------------------------------------------------


@pytest.mark.parametrize("fmt,encoding,bom", [("csv", "utf-8", False), ("csv", "gb18030", False),
                                              ("csv", "utf-8", True), ("jsonl", "utf-8", False),
                                              ("xlsx", "utf-8", False)])
def test_sample_exports_read_back_as_written(tmp_path: Path, fmt: str, encoding: str,
                                             bom: bool) -> None:
    """``samples.write_sample`` returns rows "the way a reader would yield them": check it."""
    for profile in samples.SAMPLE_PROFILES:
        path = tmp_path / f"{profile}.{fmt}"
        written = samples.write_sample(profile, path, rows=12, bad_rows=6, fmt=fmt,
                                       encoding=encoding, bom=bom)
        source, recs = read(path)
        if fmt != "jsonl":  # a JSONL header is the union of keys actually present
            assert source.header == written.header, profile
        assert [r.line for r in recs] == written.lines, profile
        assert [r.values for r in recs] == list(written), profile
