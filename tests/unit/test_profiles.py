"""Export profiles: the value parsers, detection, every built-in on realistic samples,
personal data never in clear, and user profile directories.

Records are built straight from the samples' dicts (what a reader yields), so these tests
do not depend on the readers module.
"""

from __future__ import annotations

import calendar
import csv
import json
import tempfile
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refnet.graph.errors import BadInput
from refnet.loaders import canonical, synthetic
from refnet.loaders.detect import detect
from refnet.loaders.profiles import Profile, builtin_dir, load_profile, load_profiles
from refnet.loaders.records import REASONS, Record, Row, RowError
from refnet.loaders.values import PARSERS, normalize_phone, parse_field_value
from tests.samples import SAMPLE_PROFILES, SampleRows, write_sample

CHINA_OFFSET_MS = 8 * 3600 * 1000  # Asia/Shanghai has had no daylight saving since 1991


def fake_hasher(value: str) -> str:
    return f"hash:{len(value)}:{sum(map(ord, value)) % 9973}"


@pytest.fixture(scope="module")
def profiles() -> dict[str, Profile]:
    return load_profiles()


def parse(name: str, value: Any, **kw: Any) -> Any:
    return parse_field_value(name, value, **kw)


def error_code(name: str, value: Any, **kw: Any) -> str:
    with pytest.raises(RowError) as info:
        parse(name, value, **kw)
    assert info.value.code in REASONS
    assert info.value.message
    return info.value.code


def write_profile(directory: Path, filename: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / filename
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- parsers


def test_every_parser_is_tested() -> None:
    tested = {"id", "text", "int", "money_yuan", "money_fen", "time_local", "epoch_s",
              "epoch_ms", "per_mille", "percent", "status", "bool", "json_key", "canonical"}
    assert set(PARSERS) == tested


@pytest.mark.parametrize(("value", "expected"), [
    (" 123 ", "123"), (123, "123"), (123.0, "123"), (Decimal("42"), "42"),
    ("6123456789012345678", "6123456789012345678"), ('="0012"', "0012"), ("'0012", "0012"),
    ("m_1001", "m_1001"), ("", None), ("   ", None), (None, None),
])
def test_id(value: Any, expected: str | None) -> None:
    assert parse("id", value) == expected


@pytest.mark.parametrize(("value", "code"), [
    (1.5, "bad_value"), (float(2**60), "bad_value"), ("1.23457E+17", "bad_value"),
    (True, "bad_value"), (datetime(2023, 1, 1), "bad_value"), ("a\x01b", "bad_text"),
    ("a\tb", "bad_text"),
])
def test_id_refuses(value: Any, code: str) -> None:
    assert error_code("id", value) == code


def test_text() -> None:
    assert parse("text", "  维达 抽纸 ") == "维达 抽纸"
    assert parse("text", "line one\nline two") == "line one line two"
    assert parse("text", 12.0) == "12"
    assert error_code("text", "bad\x00") == "bad_text"


def test_int() -> None:
    assert parse("int", "3") == 3
    assert parse("int", "1,234") == 1234
    assert parse("int", 3.0) == 3
    assert parse("int", "-2") == -2
    for bad in ("3.5", 3.5, "three", "1,23"):
        assert error_code("int", bad) == "bad_value"


@pytest.mark.parametrize(("value", "fen"), [
    ("¥1,234.50", 123450), ("1234.5", 123450), ("-3.20", -320), ("￥12", 1200),
    ("12.5元", 1250), ("-¥3.20", -320), ("¥-3.20", -320), ("RMB 8.88", 888),
    (" 0.01 ", 1), ("¥1,234,567.89", 123456789), (".5", 50),
    (1234.5, 123450), (12, 1200), (Decimal("0.01"), 1), (0.1 + 0.2, 30), (19.99, 1999),
])
def test_money_yuan(value: Any, fen: int) -> None:
    assert parse("money_yuan", value) == fen


@pytest.mark.parametrize("value", ["1.234", "abc", "12.3.4元", "1,23", "12,50", "¥", "1.005",
                                   float("nan"), True])
def test_money_yuan_refuses(value: Any) -> None:
    assert error_code("money_yuan", value) == "bad_value"


@given(st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"),
                   places=2, allow_nan=False, allow_infinity=False))
@settings(max_examples=300, deadline=None)
def test_money_yuan_round_trip(amount: Decimal) -> None:
    fen = int(amount * 100)
    assert parse("money_yuan", f"¥{amount:,.2f}") == fen
    assert parse("money_yuan", f"{amount}") == fen
    assert parse("money_yuan", f"￥{amount:.2f}") == fen


def test_money_fen() -> None:
    assert parse("money_fen", 1234) == 1234
    assert parse("money_fen", "1234") == 1234
    assert parse("money_fen", 1234.0) == 1234
    assert parse("money_fen", "-50") == -50
    assert error_code("money_fen", "12.50") == "bad_value"
    assert error_code("money_fen", "ten") == "bad_value"


def test_time_local() -> None:
    at = 1696161265000  # 2023-10-01 19:54:25 in China = 11:54:25Z
    assert parse("time_local", "2023-10-01 19:54:25") == at
    assert parse("time_local", "2023/10/01 19:54") == at - 25_000
    assert parse("time_local", "2023/10/1 19:54:25") == at
    assert parse("time_local", datetime(2023, 10, 1, 19, 54, 25)) == at
    assert parse("time_local", "2023-10-01T11:54:25Z") == at  # an offset is kept
    assert parse("time_local", "2023-10-01T19:54:25+08:00") == at
    assert parse("time_local", "2023-10-01") == at - (19 * 3600 + 54 * 60 + 25) * 1000
    assert parse("time_local", "2023-10-01 19:54:25", timezone="UTC") == at + CHINA_OFFSET_MS
    assert parse("time_local", "1970-01-01 08:00:00") is None  # epoch 0: never set
    assert parse("time_local", "") is None
    for bad in ("2023-02-30 10:00:00", "2023-10-32 25:00:00", "yesterday", 12.5):
        assert error_code("time_local", bad) == "bad_value"


@given(st.datetimes(min_value=datetime(1992, 1, 1), max_value=datetime(2099, 12, 31)))
@settings(max_examples=300, deadline=None)
def test_time_local_round_trip(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    expected = calendar.timegm(moment.timetuple()) * 1000 - CHINA_OFFSET_MS
    assert parse("time_local", moment.strftime("%Y-%m-%d %H:%M:%S")) == expected
    assert parse("time_local", moment.strftime("%Y/%m/%d %H:%M:%S")) == expected
    assert parse("time_local", moment) == expected


def test_epochs() -> None:
    assert parse("epoch_s", 1696161265) == 1696161265000
    assert parse("epoch_s", "1696161265") == 1696161265000
    assert parse("epoch_s", 1696161265.5) == 1696161265500
    assert parse("epoch_s", 0) is None  # 0: not set
    assert parse("epoch_ms", 1696161265123) == 1696161265123
    assert parse("epoch_ms", "0") is None
    assert error_code("epoch_s", 1696161265000) == "out_of_range"  # milliseconds
    assert error_code("epoch_s", -5) == "out_of_range"
    assert error_code("epoch_ms", 1696161265) == "out_of_range"  # seconds
    assert error_code("epoch_s", "2023-10-01") == "bad_value"


def test_rates() -> None:
    assert parse("per_mille", 25) == pytest.approx(0.025)
    assert parse("per_mille", "25‰") == pytest.approx(0.025)
    assert parse("percent", "2.50 %") == pytest.approx(0.025)
    assert parse("percent", 2.5) == pytest.approx(0.025)
    assert parse("percent", "100.00 %") == 1.0
    assert error_code("per_mille", 1500) == "out_of_range"
    assert error_code("percent", "150%") == "out_of_range"
    assert error_code("percent", "-1%") == "out_of_range"
    assert error_code("percent", "abc") == "bad_value"


def test_status() -> None:
    mapping = {"12": "paid", "3": "settled", "-1": "invalid"}
    assert parse("status", "12", mapping=mapping) == "paid"
    assert parse("status", 12, mapping=mapping) == "paid"
    assert parse("status", 12.0, mapping=mapping) == "paid"  # from XLSX
    assert parse("status", -1, mapping=mapping) == "invalid"
    assert error_code("status", "99", mapping=mapping) == "unknown_status"


def test_bool() -> None:
    assert parse("bool", "true") is True
    assert parse("bool", "是") is True
    assert parse("bool", "否") is False
    assert parse("bool", 1) is True
    assert parse("bool", False) is False
    assert error_code("bool", "maybe") == "bad_value"


def test_json_key() -> None:
    keys = ("uid", "member_id")
    assert parse("json_key", '{"uid": "m1001", "sid": "g1"}', keys=keys) == "m1001"
    assert parse("json_key", '{"member_id": 42}', keys=keys) == "42"
    assert parse("json_key", '{"sid": "g1"}', keys=keys) is None
    assert parse("json_key", "100234", keys=keys) == "100234"  # a plain tag is the hint
    assert parse("json_key", "{not json", keys=keys) == "{not json"
    assert parse("json_key", "[1, 2]", keys=keys) is None


def test_normalize_phone() -> None:
    assert normalize_phone("13800138000") == "13800138000"
    assert normalize_phone("+86 138-0013-8000") == "13800138000"
    assert normalize_phone("86 13800138000") == "13800138000"
    assert normalize_phone("12800138000") is None
    assert normalize_phone("4001234567") is None


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize("name", SAMPLE_PROFILES)
def test_detects_each_sample(name: str, profiles: dict[str, Profile], tmp_path: Path) -> None:
    rows = write_sample(name, tmp_path / "sample.csv", rows=3)
    assert detect(rows.header, profiles).name == name
    assert [p.name for p in profiles.values() if p.matches(rows.header)] == [name]
    # a reader may hand over the header with a BOM or stray spaces
    assert detect(["\ufeff" + rows.header[0], *[f" {h} " for h in rows.header[1:]]],
                  profiles).name == name


@pytest.mark.parametrize("spec", canonical.FILES, ids=lambda f: f.entity)
def test_detects_each_canonical_file(spec: canonical.CanonicalFile,
                                     profiles: dict[str, Profile]) -> None:
    profile = detect(spec.header, profiles)
    assert profile.name == f"canonical-{spec.entity}"
    assert profile.platform is None
    assert profile.entities == (spec.entity,)
    assert list(profile.detect_columns) == [c.name for c in spec.columns if c.required]


def test_detect_failure_names_the_closest(profiles: dict[str, Profile]) -> None:
    header = ["创建时间", "商品信息", "商品ID", "订单状态", "付款金额", "订单号"]
    with pytest.raises(BadInput, match="no profile matches") as info:
        detect(header, profiles)
    message = str(info.value)
    assert "taobao-console misses 订单编号, 广告位ID" in message


def test_detect_tie_is_an_error(tmp_path: Path) -> None:
    for name in ("one", "two"):
        write_profile(tmp_path, f"{name}.toml", f'''
name = "{name}"
detect = ["a", "b"]
[[output]]
entity = "members"
fields.member_id = {{ column = "a", parse = "id", required = true }}
''')
    found = load_profiles([tmp_path])
    with pytest.raises(BadInput, match="one, two"):
        detect(["a", "b", "c"], found)


# --------------------------------------------------------------------------- canonical


def test_canonical_profiles_cover_every_column(profiles: dict[str, Profile]) -> None:
    for spec in canonical.FILES:
        profile = profiles[f"canonical-{spec.entity}"]
        (output,) = profile.outputs
        assert [f.name for f in output.fields] == spec.header
        assert all(f.columns() == [f.name] for f in output.fields)


def test_canonical_profiles_read_generated_files(profiles: dict[str, Profile]) -> None:
    """Every row of a synthetic network reads exactly as canonical.parse_value reads it."""
    with tempfile.TemporaryDirectory() as directory:
        synthetic.generate(150, Path(directory), seed=5)
        for spec in canonical.FILES:
            with open(Path(directory) / spec.filename, encoding="utf-8", newline="") as f:
                reader = csv.DictReader(f)
                profile = detect(list(reader.fieldnames or []), profiles)
                assert profile.name == f"canonical-{spec.entity}"
                for number, raw in enumerate(reader, 2):
                    (row,) = profile.apply(Record(number, raw), fake_hasher)
                    assert row.entity == spec.entity and row.line == number
                    assert row.values == {
                        c.name: canonical.parse_value(c, raw.get(c.name)) for c in spec.columns
                    }


def canonical_purchase(**changes: str) -> dict[str, str]:
    row = {"order_id": "o1", "buyer_id": "", "product_id": "p1", "promoter_id": "m7",
           "share_id": "", "at": "2025-03-01T08:15:00Z", "amount": "42500",
           "commission": "4250", "status": "paid"}
    row.update(changes)
    return row


def test_canonical_purchase(profiles: dict[str, Profile]) -> None:
    profile = profiles["canonical-purchases"]
    (row,) = profile.apply(Record(2, canonical_purchase()), fake_hasher)
    assert row.values == {
        "order_id": "o1", "buyer_id": None, "product_id": "p1", "promoter_id": "m7",
        "share_id": None, "at": 1740816900000, "amount": 42500, "commission": 4250,
        "status": "paid",
    }
    refund = canonical_purchase(amount="-42500", commission="-4250", status="refunded")
    assert profile.apply(Record(3, refund), fake_hasher)[0].values["amount"] == -42500


@pytest.mark.parametrize(("entity", "changes", "code"), [
    ("purchases", {"order_id": ""}, "missing_required"),
    ("purchases", {"amount": "425.00"}, "bad_value"),
    ("purchases", {"at": "01/03/2025"}, "bad_value"),
    ("purchases", {"status": "shipped"}, "unknown_status"),
    ("purchases", {"amount": "-100"}, "out_of_range"),
    ("purchases", {"commission": "-100", "status": "settled"}, "out_of_range"),
    ("purchases", {"order_id": "o\x011"}, "bad_text"),
    ("trust", {"weight": "1.5"}, "out_of_range"),
    ("trust", {"weight": "strong"}, "bad_value"),
    ("trust", {"dst_id": ""}, "missing_required"),
])
def test_canonical_rejects(entity: str, changes: dict[str, str], code: str,
                           profiles: dict[str, Profile]) -> None:
    base = canonical_purchase() if entity == "purchases" else {
        "src_id": "a", "dst_id": "b", "weight": "0.5", "since": "", "source": "referral"}
    base.update(changes)
    with pytest.raises(RowError) as info:
        profiles[f"canonical-{entity}"].apply(Record(9, base), fake_hasher)
    assert info.value.code == code


# --------------------------------------------------------------------------- platforms

FORMATS = ["csv", "jsonl", "xlsx"]


def check_sample(profile: Profile, rows: SampleRows,
                 hasher: Callable[[str], str] = fake_hasher) -> list[list[Row]]:
    """Apply the profile to every sample row; compare with what the sample says it must yield."""
    produced = []
    for values, line in zip(rows, rows.lines, strict=True):
        record = Record(line, values)
        if line in rows.bad:
            with pytest.raises(RowError) as info:
                profile.apply(record, hasher)
            assert info.value.code == rows.bad[line], (line, info.value.message)
            continue
        out = profile.apply(record, hasher)
        expected = rows.expected[line]
        assert [r.entity for r in out] == [e for e in profile.entities if e in expected["rows"]]
        for row in out:
            assert row.line == line
            assert set(row.values) == set(canonical.by_name(row.entity).header)
            for column, value in expected["rows"][row.entity].items():
                if (row.entity, column) in expected["hashed"] and value is not None:
                    value = hasher(value)
                assert row.values[column] == value, (line, row.entity, column)
        for key, value in expected["extra"].items():
            assert out[-1].extra.get(key) == value, (line, key)
        produced.append(out)
    assert len(produced) == len(rows.expected)
    return produced


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", SAMPLE_PROFILES)
def test_platform_profile_on_sample(name: str, fmt: str, profiles: dict[str, Profile],
                                    tmp_path: Path) -> None:
    if fmt == "xlsx":
        pytest.importorskip("openpyxl")
    rows = write_sample(name, tmp_path / f"sample.{fmt}", rows=25, bad_rows=6, fmt=fmt, seed=7)
    assert len(rows) == 31 and len(rows.bad) == 6
    profile = detect(rows.header, profiles)
    check_sample(profile, rows)


def test_order_rows_write_products_before_purchases(profiles: dict[str, Profile],
                                                    tmp_path: Path) -> None:
    for name in ("taobao-console", "taobao-api", "pdd-jinbao", "jd-union"):
        profile = profiles[name]
        assert profile.entities == ("products", "purchases")
        rows = write_sample(name, tmp_path / f"{name}.csv", rows=5)
        for out in check_sample(profile, rows):
            products, purchase = out
            assert purchase.values["product_id"] == products.values["product_id"]
            assert purchase.values["buyer_id"] is None and purchase.values["promoter_id"] is None
            assert purchase.extra["promoter_platform"] == profile.platform
            assert purchase.extra["promoter_account"]


def test_sample_accounts_are_parameterisable(profiles: dict[str, Profile],
                                             tmp_path: Path) -> None:
    accounts = ["4242000001", "4242000002"]
    for name in ("taobao-console", "pdd-jinbao", "jd-union"):
        rows = write_sample(name, tmp_path / f"{name}.csv", rows=6, accounts=accounts)
        found = {out[-1].extra["promoter_account"] for out in check_sample(profiles[name], rows)}
        assert found <= {*accounts, *(str(r.get("positionId")) for r in rows)}
        assert found & set(accounts)
    rows = write_sample("youzan-distributors", tmp_path / "yz.csv", rows=2, accounts=accounts)
    out = check_sample(profiles["youzan-distributors"], rows)
    assert [o[1].values["account_id"] for o in out] == accounts


def test_taobao_api_promoter_fallback(profiles: dict[str, Profile]) -> None:
    profile = profiles["taobao-api"]
    base = {"trade_parent_id": "3000000000000000001", "trade_id": "3000000000000000002",
            "tk_status": 12, "tk_create_time": "2023-10-01 19:54:25", "item_id": 612345678901,
            "alipay_total_price": "12.50", "adzone_id": 109615001234}
    cases = [({"relation_id": 2784711234, "special_id": 5551234}, "2784711234", "relation_id"),
             ({"special_id": 5551234}, "109615001234", "adzone_id"),  # special_id: the buyer
             ({"relation_id": None}, "109615001234", "adzone_id")]
    for more, account, column in cases:
        purchase = profile.apply(Record(1, {**base, **more}), fake_hasher)[1]
        assert purchase.extra["promoter_account"] == account
        assert purchase.extra["promoter_account_column"] == column
        assert purchase.values["at"] == 1696161265000  # no tk_paid_time: creation time
        assert purchase.values["order_id"] == "3000000000000000002"


def test_the_taobao_console_export_since_2019_is_recognised(
        profiles: dict[str, Profile], tmp_path: Path) -> None:
    """UTF-16 with a BOM, as the console saves it; attribution by 渠道关系ID, else 推广位ID."""
    from refnet.loaders.readers import open_source

    path = tmp_path / "TaokeDetail-2023-10.csv"
    rows = write_sample("taobao-console-2019", path, rows=12, bad_rows=5, encoding="utf-16")
    assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    source = open_source(path)
    profile = detect(source.header, profiles)
    assert profile.name == "taobao-console-2019"
    check_sample(profile, rows)
    columns = {e["extra"]["promoter_account_column"] for e in rows.expected.values()}
    assert columns == {"渠道关系ID", "推广位ID"}


def test_jd_purchase_id_and_settled_figures(profiles: dict[str, Profile]) -> None:
    profile = profiles["jd-union"]
    row = {"orderId": 281234567890, "skuId": 100012043978, "orderTime": "2023-10-01 19:54:25",
           "validCode": 17, "estimateCosPrice": 99.8, "actualCosPrice": 89.8,
           "estimateFee": 9.98, "actualFee": 0.0, "positionId": 3001234567, "subUnionId": ""}
    purchase = profile.apply(Record(1, row), fake_hasher)[1]
    assert purchase.values["order_id"] == "281234567890-100012043978"
    assert purchase.values["amount"] == 8980  # actual once non-zero
    assert purchase.values["commission"] == 998  # actual is zero: the estimate
    assert purchase.values["status"] == "settled"
    assert purchase.extra["promoter_account"] == "3001234567"
    assert purchase.extra["promoter_account_column"] == "positionId"
    row["id"] = "L-77"
    assert profile.apply(Record(1, row), fake_hasher)[1].values["order_id"] == "L-77"


@pytest.mark.parametrize("code", [29, 30, 31, 33, 34, 35, 36])
def test_jd_later_invalid_codes_are_invalid_orders(code: int, profiles: dict[str, Profile]
                                                   ) -> None:
    """跨屏跨店, 累计件数超出类目上限, 黑名单sku, 超市卡充值, 推卡, 非CID, 账户绑定有误."""
    row = {"orderId": 281234567890, "skuId": 100012043978, "orderTime": "2023-10-01 19:54:25",
           "validCode": code, "estimateCosPrice": 99.8, "positionId": 3001234567}
    assert profiles["jd-union"].apply(Record(1, row), fake_hasher)[1].values["status"] == \
        "invalid"


def test_jd_undocumented_code_is_quarantined(profiles: dict[str, Profile]) -> None:
    row = {"orderId": 1, "skuId": 2, "orderTime": "2023-10-01 19:54:25", "validCode": 32,
           "estimateCosPrice": 1.0, "positionId": 3}
    with pytest.raises(RowError) as caught:
        profiles["jd-union"].apply(Record(1, row), fake_hasher)
    assert caught.value.code == "unknown_status"


@pytest.mark.parametrize(("name", "row", "code"), [
    ("canonical-purchases", {"amount": str(2**63)}, "out_of_range"),
    ("canonical-purchases", {"amount": str(10**12 + 1)}, "out_of_range"),
    ("canonical-purchases", {"amount": "100", "commission": "101"}, "commission_above_amount"),
    ("canonical-purchases", {"amount": "-100", "commission": "-101", "status": "refunded"},
     "commission_above_amount"),
    ("taobao-api", {"alipay_total_price": 1e29}, "out_of_range"),  # a JSON number
    ("taobao-api", {"alipay_total_price": "100000000000000000000000000000"}, "out_of_range"),
    ("taobao-api", {"alipay_total_price": "1.00", "pub_share_pre_fee": "1.01"},
     "commission_above_amount"),
])
def test_money_past_what_the_store_holds_is_quarantined(
        name: str, row: dict[str, Any], code: str, profiles: dict[str, Profile]) -> None:
    base = {"canonical-purchases": {"order_id": "o1", "product_id": "p1",
                                    "at": "2025-03-01T08:15:00Z", "amount": "100"},
            "taobao-api": {"trade_parent_id": "3", "trade_id": "4", "tk_status": 12,
                           "tk_create_time": "2023-10-01 19:54:25", "item_id": 6,
                           "alipay_total_price": "12.50", "adzone_id": 109615001234}}[name]
    with pytest.raises(RowError) as caught:
        profiles[name].apply(Record(1, {**base, **row}), fake_hasher)
    assert caught.value.code == code


def test_money_up_to_the_bound_is_kept(profiles: dict[str, Profile]) -> None:
    row = {"order_id": "o1", "product_id": "p1", "at": "2025-03-01T08:15:00Z",
           "amount": str(10**12), "commission": str(10**12)}
    (purchase,) = profiles["canonical-purchases"].apply(Record(1, row), fake_hasher)
    assert purchase.values["amount"] == purchase.values["commission"] == 10**12


def test_self_referral_option_is_checked(tmp_path: Path) -> None:
    text = (builtin_dir() / "youzan-distributors.toml").read_text("utf-8")
    path = tmp_path / "yz.toml"
    path.write_text(text.replace('self_referral = "no_referrer"', 'self_referral = "drop"'),
                    encoding="utf-8")
    with pytest.raises(BadInput, match="self_referral"):
        load_profile(path)


def test_youzan_self_invite_is_no_referrer(profiles: dict[str, Profile]) -> None:
    profile = profiles["youzan-distributors"]
    for inviter in ("13800000003", "CODEC"):
        rows = profile.apply(Record(2, {"分销员ID": "CODEC", "手机号": "13800000003",
                                        "邀请人": inviter}), fake_hasher)
        member = rows[0]
        assert member.values["referrer_id"] is None and member.extra["note"] == "self_invite"
    other = profile.apply(Record(2, {"分销员ID": "CODEC", "手机号": "13800000003",
                                     "邀请人": "CODEA"}), fake_hasher)[0]
    assert other.values["referrer_id"] == "CODEA" and "note" not in other.extra


def test_pdd_member_hint(profiles: dict[str, Profile]) -> None:
    profile = profiles["pdd-jinbao"]
    row = {"order_sn": "231001-123", "goods_id": 1, "order_status": 0, "p_id": "1_2",
           "order_amount": 990, "order_pay_time": 0, "order_create_time": 1696161265,
           "custom_parameters": json.dumps({"uid": "m77", "sid": "x"})}
    purchase = profile.apply(Record(1, row), fake_hasher)[1]
    assert purchase.extra["member_hint"] == "m77"
    assert purchase.values["at"] == 1696161265000  # pay time 0 = not set
    assert purchase.values["buyer_id"] is None


# --------------------------------------------------------------------------- personal data


def all_text(rows: list[Row]) -> str:
    return json.dumps([[r.values, r.extra] for r in rows], ensure_ascii=False, default=str)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_youzan_personal_data_never_in_clear(fmt: str, profiles: dict[str, Profile],
                                             tmp_path: Path) -> None:
    profile = profiles["youzan-distributors"]
    assert profile.personal_columns() == ["手机号", "昵称", "邀请人"]
    rows = write_sample(profile.name, tmp_path / f"yz.{fmt}", rows=30, fmt=fmt)
    produced = check_sample(profile, rows)
    text = all_text([r for out in produced for r in out])
    for values in rows:
        for column in ("手机号", "昵称", "邀请人"):
            clear = values.get(column)
            if clear:
                assert clear not in text
                assert (normalize_phone(clear) or clear) not in text
    referred = [out[0] for out in produced if out[0].values["referrer_id"]]
    members = {out[0].values["member_id"] for out in produced}
    assert referred and all(r.values["referrer_id"] in members for r in referred)


def test_personal_modes(tmp_path: Path) -> None:
    write_profile(tmp_path, "crm.toml", '''
name = "crm"
detect = ["会员编号", "手机", "推荐人", "真实姓名"]
personal = ["地址"]
[[output]]
entity = "members"
[output.fields]
member_id = { column = ["手机", "会员编号"], parse = "id", personal = ["手机"], required = true }
referrer_id = { column = "推荐人", parse = "id", personal = "phone" }
tier = { column = "真实姓名", personal = true }
''')
    profile = load_profiles([tmp_path])["crm"]
    assert profile.personal_columns() == ["地址", "手机", "推荐人", "真实姓名"]
    record = {"会员编号": "V1", "手机": "+86 139-0000-1111", "推荐人": "13900002222",
              "真实姓名": "张三", "地址": "北京市朝阳区"}
    (row,) = profile.apply(Record(2, record), fake_hasher)
    assert row.values["member_id"] == fake_hasher("13900001111")
    assert row.values["referrer_id"] == fake_hasher("13900002222")
    assert row.values["tier"] == fake_hasher("张三")
    (row,) = profile.apply(Record(3, {**record, "手机": "", "推荐人": "V0"}), fake_hasher)
    assert row.values["member_id"] == "V1"  # an id, not a phone column: kept
    assert row.values["referrer_id"] == "V0"  # not a phone: an id, kept
    assert "张三" not in all_text([row]) and "139" not in all_text([row])


# --------------------------------------------------------------------------- user profiles

USER_PROFILE = '''
# A shop's own order export.
name = "my-shop"
title = "My shop's order list"
platform = "youzan"
timezone = "Asia/Shanghai"
detect = ["订单号", "商品编码", "实付金额", "下单时间", "分销员"]
empty_values = ["--"]

[[output]]
entity = "products"
[output.fields]
product_id = { column = "商品编码", parse = "id", required = true }

[[output]]
entity = "purchases"
[output.fields]
order_id = { column = "订单号", parse = "id", required = true }
product_id = { column = "商品编码", parse = "id", required = true }
at = { column = "下单时间", parse = "time_local", required = true }
amount = { column = "实付金额", parse = "money_yuan", required = true }
[output.fields.status]  # a long spec reads better as a table of its own
column = "状态"
parse = "status"
default = "paid"
map = { "已退款" = "refunded", "已完成" = "settled" }
[output.extra]
promoter_platform = { value = "youzan" }
promoter_account = { column = "分销员", parse = "id" }
'''


def test_user_profile_adds_and_overrides(tmp_path: Path) -> None:
    user = tmp_path / "profiles"
    write_profile(user, "my-shop.toml", USER_PROFILE)
    write_profile(user, "console.toml", (builtin_dir() / "taobao-console.toml").read_text(
        encoding="utf-8").replace('title = "Taobao Union', 'title = "Our Taobao Union'))
    builtins = load_profiles()
    found = load_profiles([tmp_path / "missing", user])
    assert set(found) == set(builtins) | {"my-shop"}
    assert found["taobao-console"].title.startswith("Our Taobao Union")
    assert found["taobao-console"].source == user / "console.toml"
    assert builtins["taobao-console"].source.parent == builtin_dir()
    shop = detect(["订单号", "商品编码", "实付金额", "下单时间", "分销员", "状态"], found)
    assert shop.name == "my-shop" and shop.entities == ("products", "purchases")
    record = {"订单号": "E2023", "商品编码": "SKU-1", "实付金额": "-¥12.00",
              "下单时间": "2023-10-01 19:54:25", "分销员": "--", "状态": "已退款"}
    product, purchase = shop.apply(Record(5, record), fake_hasher)
    assert product.values["product_id"] == "SKU-1"
    assert purchase.values["amount"] == -1200 and purchase.values["status"] == "refunded"
    assert purchase.extra["promoter_account"] is None  # "--" means empty here
    with pytest.raises(RowError) as info:
        shop.apply(Record(6, {**record, "状态": ""}), fake_hasher)  # default paid: not negative
    assert info.value.code == "out_of_range"


BASE = '''
name = "broken"
detect = ["a"]
[[output]]
entity = "members"
[output.fields]
member_id = { column = "a", parse = "id", required = true }
'''


@pytest.mark.parametrize(("text", "problem"), [
    ("name = \"broken\"\ndetect = [\"a\"\n", "not valid TOML"),
    ("colour = \"red\"\n" + BASE, "unknown keys ['colour']"),
    (BASE.replace('parse = "id"', 'parse = "uuid"'), "unknown parse 'uuid'"),
    (BASE.replace("member_id =", "referrer_id ="), "required members columns not mapped: "
                                                    "member_id"),
    (BASE.replace('entity = "members"', 'entity = "orders"'), "unknown entity 'orders'"),
    (BASE + 'nickname = { column = "b" }\n', "'nickname' is not a members column"),
    (BASE + 'status = { column = "s", parse = "status", map = { "1" = "active" } }\n',
     "not canonical statuses"),
    (BASE + 'tier = { column = "t", parse = "status" }\n', "needs a 'map'"),
    (BASE + 'tier = { column = "t", value = "x" }\n', "exactly one of 'column' or 'value'"),
    (BASE + 'tier = { column = "t", colum = "x" }\n', "unknown keys ['colum']"),
    (BASE + 'tier = { column = "t", personal = "maybe" }\n', "'personal' must be"),
    (BASE.replace('detect = ["a"]', 'detect = []'), "detect"),
    (BASE.replace('name = "broken"', 'name = "Broken Name"'), "lowercase name"),
    (BASE.replace('detect = ["a"]', 'detect = ["a"]\ntimezone = "Mars/Olympus"'),
     "unknown time zone"),
    (BASE.replace('[output.fields]\nmember_id = { column = "a", parse = "id", required = true }',
                  ""), "needs [output.fields]"),
])
def test_malformed_user_profile(text: str, problem: str, tmp_path: Path) -> None:
    path = write_profile(tmp_path, "broken.toml", text)
    with pytest.raises(BadInput) as info:
        load_profiles([tmp_path])
    message = str(info.value)
    assert str(path) in message
    assert problem in message


def test_duplicate_names_in_one_directory(tmp_path: Path) -> None:
    write_profile(tmp_path, "a.toml", BASE)
    write_profile(tmp_path, "b.toml", BASE)
    with pytest.raises(BadInput, match="already used by"):
        load_profiles([tmp_path])


def test_profile_directory_must_be_a_directory(tmp_path: Path) -> None:
    path = write_profile(tmp_path, "single.toml", BASE)
    with pytest.raises(BadInput, match="not a directory"):
        load_profiles([path])
    assert load_profile(path).name == "broken"


def test_missing_required_names_the_columns(profiles: dict[str, Profile]) -> None:
    with pytest.raises(RowError) as info:
        profiles["jd-union"].apply(Record(4, {"skuId": 1, "orderTime": "2023-10-01 10:00:00",
                                              "validCode": 16, "estimateCosPrice": 1.0}),
                                   fake_hasher)
    assert info.value.code == "missing_required"
    assert "purchases.order_id" in info.value.message and "orderId+skuId" in info.value.message


def test_error_message_names_the_column(profiles: dict[str, Profile]) -> None:
    with pytest.raises(RowError) as info:
        profiles["pdd-jinbao"].apply(Record(4, {"order_sn": "1", "goods_id": 2,
                                                "order_status": 0, "p_id": "x",
                                                "order_amount": "9.90",
                                                "order_create_time": 1696161265}), fake_hasher)
    assert info.value.code == "bad_value"
    assert "'order_amount'" in info.value.message


# --------------------------------------------------------------------------- sample files


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("utf-8", True),
                                               ("gb18030", False)])
def test_sample_csv_reads_back(encoding: str, bom: bool, tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    rows = write_sample("taobao-console", path, rows=8, bad_rows=5, encoding=encoding, bom=bom)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == bom
    with open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as f:
        table = list(csv.reader(f))
    assert table[0] == rows.header
    for values, line in zip(rows, rows.lines, strict=True):
        assert dict(zip(table[0], table[line - 1], strict=True)) == values
    assert table[len(rows) + 1:] and all(not any(t) for t in table[len(rows) + 1:])
    assert sorted(rows.bad.values()) == sorted(["bad_value", "bad_value", "unknown_status",
                                                "missing_required", "out_of_range"])
    assert any("¥" in v for r in rows for v in r.values())


def test_sample_xlsx_reads_back(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "distributors.xlsx"
    rows = write_sample("youzan-distributors", path, rows=6, bad_rows=3, fmt="xlsx")
    sheet = openpyxl.load_workbook(path).active
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:H1"]
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[1]) == rows.header and rows.lines[0] == 3
    for values, line in zip(rows, rows.lines, strict=True):
        assert dict(zip(rows.header, table[line - 1], strict=True)) == values
    assert all(v is None for v in table[-1])


def test_sample_is_deterministic(tmp_path: Path) -> None:
    one = write_sample("jd-union", tmp_path / "a.jsonl", fmt="jsonl", seed=3, bad_rows=2)
    two = write_sample("jd-union", tmp_path / "b.jsonl", fmt="jsonl", seed=3, bad_rows=2)
    assert one == two and one.bad == two.bad
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    with pytest.raises(ValueError, match="no sample"):
        write_sample("canonical-members", tmp_path / "c.csv")


def test_personal_values_stay_out_of_error_messages(profiles: dict[str, Profile]) -> None:
    profile = profiles["youzan-distributors"]
    record = {"分销员ID": "D1", "昵称": "小鱼儿", "手机号": "13900001111", "邀请人": "1.39E+10"}
    with pytest.raises(RowError) as info:
        profile.apply(Record(7, record), fake_hasher)
    assert info.value.code == "bad_value"
    assert "'邀请人'" in info.value.message and "1.39E+10" not in info.value.message


def test_nested_json_value_is_refused(profiles: dict[str, Profile]) -> None:
    row = {"order_sn": ["1", "2"], "goods_id": 2, "order_status": 0, "p_id": "x",
           "order_amount": 990, "order_create_time": 1696161265}
    with pytest.raises(RowError) as info:
        profiles["pdd-jinbao"].apply(Record(1, row), fake_hasher)
    assert info.value.code == "bad_value" and "'order_sn'" in info.value.message


def test_excel_serial_dates_are_read_in_the_profile_timezone() -> None:
    # 45200.8125 is 2023-10-01 19:30 as Excel stores it when a column is not a date column
    assert parse("time_local", 45200.8125) == parse("time_local", "2023-10-01 19:30:00")
    with pytest.raises(RowError, match="not an Excel date"):
        parse("time_local", 12.5)


# --------------------------------------------------------------------------- quick path

TRICKY_CELLS = ["", " ", "  x ", "x", "0", "12", " 12 ", "-3", "1.5", "0.5", "2", "nan", "inf",
                "1_000", "true", "False", "2025-03-01T08:15:00Z", "2025-03-01 08:15:00",
                "2023-10-01", "2025-13-01T00:00:00Z", "\x01a", "a\x00", "a\tb", "a\nb", "--",
                "¥12.50", "12,345", "1e5", "\u00a0x", "x\u0085", "paid", "3", "{\"a\": 1}",
                "13800138000", None, 12, 1.5, True]


def field_outcome(read: Callable[[], Any]) -> Any:
    try:
        return ("value", read())
    except RowError as e:
        return (e.code, e.message)


@pytest.mark.parametrize("name", sorted(p.name for p in load_profiles().values()))
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_quick_path_reads_as_the_full_path(name: str, data: st.DataObject) -> None:
    """Each field's compiled quick reading gives the full path's value or error, any cell."""
    profile = load_profiles()[name]
    cell = st.one_of(st.sampled_from(TRICKY_CELLS), st.text(max_size=6))
    cells = {c: data.draw(cell, label=c) for c in profile.known_columns()}
    quick = 0
    for output, _template, plan in profile._plans:
        for _name, fast, f in plan:
            if fast is None:
                continue
            quick += 1
            full = field_outcome(lambda f=f, e=output.entity:
                                 f.resolve(cells, fake_hasher, e, profile._empty)[0])
            assert field_outcome(lambda fast=fast: fast(cells)) == full, f.name
    assert quick or not name.startswith("canonical-")
