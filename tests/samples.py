"""Realistic sample exports for the platform profiles, for tests and demos.

``write_sample(profile_name, path, ...)`` writes a file shaped like the real export the
profile reads, in CSV, XLSX or JSONL: Chinese headers where the export has them, China-time
strings, money the way the platform spells it (``"¥1,234.50"``, ``"12.50"``, integer fen),
18-digit order ids kept as text, trailing blank rows, a merged title row above the
header in XLSX, GB18030 or a UTF-8 BOM on request, and any number of bad rows of every
kind the profile must reject.

It returns a ``SampleRows``, a ``list[dict]`` of the data rows as written (header ->
value, the way a reader would yield them), with these attributes:

- ``header``: the columns in file order;
- ``lines``: each row's line in the file (CSV and JSONL: 1-based line; XLSX: row number);
- ``bad``: line -> the reason code the profile must give for a bad row;
- ``expected``: line -> what the profile must produce for a good row: ``{"rows": {entity:
  {column: value}}, "extra": {...}, "hashed": [(entity, column), ...]}``. Values listed in
  ``hashed`` are given in clear (a phone already normalised to 11 digits); the profile
  must have passed them through its hasher.

Promoter account ids are parameterisable (``accounts=[...]``), so a test can make them
match the accounts of a members file. For youzan-distributors they are the distributor ids.
Everything is deterministic for a seed.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["SAMPLE_PROFILES", "SampleRows", "write_sample"]

SAMPLE_PROFILES = ("taobao-console", "taobao-console-2019", "taobao-api", "pdd-jinbao",
                   "jd-union", "youzan-distributors")

_CHINA = ZoneInfo("Asia/Shanghai")
_START = datetime(2023, 10, 1, 8, 0, 0)

# (title, unit price in fen, category)
_PRODUCTS: tuple[tuple[str, int, str], ...] = (
    ("维达 抽纸 3层100抽*24包 整箱", 3990, "家庭/个人清洁工具"),
    ("三只松鼠 每日坚果 750g/30袋 混合果仁", 12900, "零食/坚果/特产"),
    ("蓝月亮 深层洁净 护理洗衣液 3kg*2瓶", 4990, "洗护清洁剂/卫生巾/纸/香薰"),
    ("农夫山泉 饮用天然水 550ml*24瓶", 2990, "咖啡/麦片/冲饮"),
    ("安踏 男子 减震跑步鞋 2023秋季新款", 29900, "运动鞋new"),
    ("小米 移动电源 20000mAh 快充版", 12900, "3C数码配件"),
    ("【会员专享】新人入门大礼包", 42500, "保健食品/膳食营养补充食品"),
    ("洁柔 湿巾 80抽*6包 婴儿可用", 2580, "婴童用品"),
    ("美的 1.5匹 新一级能效 变频空调挂机", 223450, "大家电"),
    ("戴森 HD08 吹风机 负离子", 299900, "个人护理/保健/按摩器材"),
    ("良品铺子 高蛋白肉脯 200g", 1990, "零食/坚果/特产"),
    ("百雀羚 水能量 护肤套装 礼盒", 123450, "美容护肤/美体/精油"),
)
_SHOPS = ("维达官方旗舰店", "三只松鼠旗舰店", "蓝月亮官方旗舰店", "安踏官方网店", "小米官方旗舰店")
_NICKNAMES = ("小鱼儿", "晴天☀️", "王姐团购", "阿强", "Lily莉莉", "幸福满满🌸", "老陈", "米粒妈妈",
              "张小凡", "快乐每一天", "静待花开", "团长-阿美")
_TIERS = ("普通分销员", "银牌分销员", "金牌分销员")

_ORDER_KINDS = ("bad_money", "bad_time", "unknown_status", "missing_order_id", "negative_amount")
_ORDER_CODES = {
    "bad_money": "bad_value", "bad_time": "bad_value", "unknown_status": "unknown_status",
    "missing_order_id": "missing_required", "negative_amount": "out_of_range",
}
_YOUZAN_KINDS = ("bad_time", "missing_id", "mangled_phone")
_YOUZAN_CODES = {"bad_time": "bad_value", "missing_id": "missing_required",
                 "mangled_phone": "bad_value"}


class SampleRows(list):  # type: ignore[type-arg]
    """The data rows written (``list[dict]``), with their lines and what each must yield."""

    def __init__(self, header: list[str]) -> None:
        super().__init__()
        self.header = header
        self.lines: list[int] = []
        self.bad: dict[int, str] = {}
        self.expected: dict[int, dict[str, Any]] = {}


def write_sample(
    profile_name: str,
    path: Path,
    *,
    rows: int = 20,
    seed: int = 1,
    fmt: str = "csv",
    encoding: str = "utf-8",
    bom: bool = False,
    bad_rows: int = 0,
    accounts: Sequence[str] | None = None,
    blank_rows: int = 2,
    title_row: bool = True,
) -> SampleRows:
    """Write ``rows`` good rows plus ``bad_rows`` bad ones (every kind in turn) to ``path``.

    ``fmt`` is ``csv``, ``xlsx`` or ``jsonl``; ``encoding`` applies to csv and jsonl
    (``gb18030`` as Chinese Excel saves it, ``utf-8-sig`` or ``bom=True`` for a BOM);
    ``blank_rows`` empty rows follow the data; ``title_row`` puts a merged title above the
    XLSX header.
    """
    if profile_name not in _BUILDERS:
        raise ValueError(f"no sample for profile {profile_name!r}; samples exist for "
                         f"{', '.join(SAMPLE_PROFILES)}")
    if fmt not in ("csv", "xlsx", "jsonl"):
        raise ValueError(f"fmt must be csv, xlsx or jsonl, got {fmt!r}")
    rng = random.Random(seed)
    header, builder, kinds, codes = _BUILDERS[profile_name]
    state: dict[str, Any] = {}
    good = [builder(rng, i, fmt, accounts, None, state) for i in range(rows)]
    bad = [builder(rng, rows + j, fmt, accounts, kinds[j % len(kinds)], state)
           for j in range(bad_rows)]
    entries: list[tuple[dict[str, Any], dict[str, Any] | None, str | None]] = [
        (row, expected, None) for row, expected in good
    ]
    for j, (row, _) in enumerate(bad):
        entries.insert(rng.randint(0, len(entries)), (row, None, codes[kinds[j % len(kinds)]]))
    if fmt == "jsonl":
        entries = [({k: v for k, v in row.items() if v is not None}, e, c) for row, e, c in entries]
    else:
        entries = [({h: row.get(h) for h in header}, e, c) for row, e, c in entries]
    first_line = {"csv": 2, "jsonl": 1, "xlsx": 3 if title_row else 2}[fmt]
    result = SampleRows(list(header))
    for number, (row, expected, code) in enumerate(entries):
        line = first_line + number
        if fmt == "csv":
            row = {k: "" if v is None else str(v) for k, v in row.items()}
        elif fmt == "xlsx":  # an empty cell reads back as None
            row = {k: None if v == "" else v for k, v in row.items()}
        result.append(row)
        result.lines.append(line)
        if code is not None:
            result.bad[line] = code
        elif expected is not None:
            result.expected[line] = expected
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        _write_csv(path, header, result, encoding, bom, blank_rows)
    elif fmt == "jsonl":
        _write_jsonl(path, result, encoding, bom, blank_rows)
    else:
        _write_xlsx(path, header, result, profile_name, blank_rows, title_row)
    return result


# --------------------------------------------------------------------------- writers


def _bom(f: Any, encoding: str, bom: bool) -> None:
    if bom and encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        f.write("\ufeff")


def _write_csv(path: Path, header: list[str], rows: SampleRows, encoding: str, bom: bool,
               blank_rows: int) -> None:
    with open(path, "w", newline="", encoding=encoding) as f:
        _bom(f, encoding, bom)
        writer = csv.writer(f)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(h, "") for h in header])
        for _ in range(blank_rows):
            writer.writerow([""] * len(header))


def _write_jsonl(path: Path, rows: SampleRows, encoding: str, bom: bool,
                 blank_rows: int) -> None:
    with open(path, "w", newline="", encoding=encoding) as f:
        _bom(f, encoding, bom)
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
        f.write("\n" * blank_rows)


def _write_xlsx(path: Path, header: list[str], rows: SampleRows, profile_name: str,
                blank_rows: int, title_row: bool) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    book = Workbook()
    sheet = book.active
    sheet.title = "Page1"
    if title_row:
        sheet.append([f"{_TITLES[profile_name]}  2023-10-01 至 2023-10-31"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet.cell(1, 1).font = Font(bold=True, size=14)
        sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h) for h in header])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
    thin = Side(style="thin")
    for r in range(sheet.max_row + 1, sheet.max_row + 1 + blank_rows):
        for c in range(1, len(header) + 1):  # formatted but empty, as Excel leaves them
            sheet.cell(r, c).border = Border(top=thin, bottom=thin)
    book.save(path)


_TITLES = {
    "taobao-console": "淘宝联盟 订单明细报表",
    "taobao-console-2019": "淘宝联盟 订单明细",
    "taobao-api": "taobao.tbk.order.details.get",
    "pdd-jinbao": "多多进宝 推广订单",
    "jd-union": "京东联盟 订单明细",
    "youzan-distributors": "有赞 分销员列表",
}


# --------------------------------------------------------------------------- data


def _ms(local: datetime) -> int:
    moment = local.replace(tzinfo=_CHINA)
    return int(moment.timestamp()) * 1000


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def _as_number(text: str | None) -> int | str | None:
    """An id as a JSON/XLSX number where the platform sends one (no leading zero to lose)."""
    if text and text.isdigit() and not text.startswith("0") and len(text) < 16:
        return int(text)
    return text


def _pick_account(rng: random.Random, i: int, accounts: Sequence[str] | None,
                  make: Callable[[], str]) -> str:
    if accounts:
        return str(accounts[i % len(accounts)] if i < len(accounts) else rng.choice(accounts))
    return make()


class _Order:
    """One order line's truth, before a platform spells it."""

    def __init__(self, rng: random.Random, i: int, *, seconds: bool = True) -> None:
        self.title, self.price, self.category = rng.choice(_PRODUCTS)
        self.quantity = rng.choice((1, 1, 1, 1, 2, 3))
        self.amount = self.price * self.quantity
        self.status = rng.choices(("paid", "settled", "invalid"), weights=(6, 3, 1))[0]
        rate_bp = rng.choice((150, 200, 250, 300, 500, 1000, 2000))  # 1.5% .. 20%
        self.rate_bp = rate_bp
        self.commission = 0 if self.status == "invalid" else self.amount * rate_bp // 10000
        created = _START + timedelta(minutes=rng.randint(0, 30 * 24 * 60 - 120) + i % 7,
                                     seconds=rng.randint(0, 59) if seconds else 0)
        self.created = created
        self.clicked = created - timedelta(minutes=rng.randint(1, 90), seconds=rng.randint(0, 59))
        self.paid = created + timedelta(seconds=rng.randint(5, 300))
        self.settled = created + timedelta(days=rng.randint(8, 20))

    def expected(self, order_id: str, product_id: str, at: datetime, *,
                 amount: int | None = None, extra: dict[str, Any]) -> dict[str, Any]:
        return {
            "rows": {
                "products": {"product_id": product_id, "name": self.title, "price": self.price},
                "purchases": {
                    "order_id": order_id, "product_id": product_id, "at": _ms(at),
                    "amount": self.amount if amount is None else amount,
                    "commission": self.commission, "status": self.status,
                    "buyer_id": None, "promoter_id": None,
                },
            },
            "extra": extra,
            "hashed": [],
        }


def _console_money(rng: random.Random, fen: int, fmt: str) -> Any:
    if fmt == "xlsx":
        return float(_yuan(fen))
    yuan = _yuan(fen)
    style = rng.random()
    if fen >= 100_000 or style < 0.15:
        return f"¥{yuan:,.2f}"
    if fen % 100 == 0 and style < 0.3:
        return f"￥{int(yuan)}"
    return f"{yuan:.2f}"


def _console_time(when: datetime, fmt: str, short: bool) -> Any:
    if fmt == "xlsx":
        return when
    return when.strftime("%Y/%m/%d %H:%M") if short else when.strftime("%Y-%m-%d %H:%M:%S")


_TAOBAO_CONSOLE_HEADER = [
    "创建时间", "点击时间", "商品信息", "商品ID", "掌柜旺旺", "所属店铺", "商品数", "商品单价",
    "订单状态", "订单类型", "收入比率", "分成比率", "付款金额", "效果预估", "结算金额", "预估收入",
    "结算时间", "佣金比率", "佣金金额", "补贴比率", "补贴金额", "补贴类型", "成交平台",
    "第三方服务来源", "订单编号", "类目名称", "来源媒体ID", "来源媒体名称", "广告位ID",
    "广告位名称",
]


def _taobao_console(
    rng: random.Random, i: int, fmt: str, accounts: Sequence[str] | None, kind: str | None,
    shared: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    short = rng.random() < 0.15 and fmt != "xlsx"
    o = _Order(rng, i, seconds=not short)
    order_no = _digits(rng, 19)
    item_id = _digits(rng, 12)
    adzone = _pick_account(rng, i, accounts, lambda: _digits(rng, 11))
    status_text = {"paid": rng.choice(("订单付款", "订单成功")), "settled": "订单结算",
                   "invalid": "订单失效"}[o.status]
    settled = o.status == "settled"
    rate = f"{o.rate_bp / 100:.2f} %"
    row: dict[str, Any] = {
        "创建时间": _console_time(o.created, fmt, short),
        "点击时间": _console_time(o.clicked, fmt, False),
        "商品信息": o.title,
        "商品ID": int(item_id) if fmt == "xlsx" else item_id,
        "掌柜旺旺": rng.choice(_SHOPS),
        "所属店铺": rng.choice(_SHOPS),
        "商品数": o.quantity,
        "商品单价": _console_money(rng, o.price, fmt),
        "订单状态": status_text,
        "订单类型": rng.choice(("天猫", "淘宝")),
        "收入比率": rate,
        "分成比率": "100.00 %",
        "付款金额": _console_money(rng, o.amount, fmt),
        "效果预估": _console_money(rng, o.commission, fmt),
        "结算金额": _console_money(rng, o.amount if settled else 0, fmt),
        "预估收入": _console_money(rng, o.commission if settled else 0, fmt),
        "结算时间": _console_time(o.settled, fmt, False) if settled else "",
        "佣金比率": rate,
        "佣金金额": _console_money(rng, o.commission if settled else 0, fmt),
        "补贴比率": "0.00 %",
        "补贴金额": _console_money(rng, 0, fmt),
        "补贴类型": "--",
        "成交平台": rng.choice(("无线", "PC")),
        "第三方服务来源": "--",
        "订单编号": order_no,
        "类目名称": o.category,
        "来源媒体ID": "45678901",
        "来源媒体名称": "社群团购",
        "广告位ID": _as_number(adzone) if fmt == "xlsx" else adzone,
        "广告位名称": f"团员推广位{i % 9 + 1:02d}",
    }
    expected = o.expected(f"{order_no}-{item_id}", item_id, o.created, extra={
        "promoter_platform": "taobao", "promoter_account": adzone,
        "commission_rate": o.rate_bp / 10000,
    })
    expected["rows"]["products"]["category"] = o.category
    if kind == "bad_money":
        row["付款金额"] = "12.3.4元"
    elif kind == "bad_time":
        row["创建时间"] = "2023-02-30 10:00:00"
    elif kind == "unknown_status":
        row["订单状态"] = "订单处理中"
    elif kind == "missing_order_id":
        row["订单编号"] = ""
    elif kind == "negative_amount":
        row["订单状态"] = "订单付款"
        row["付款金额"] = -12.5 if fmt == "xlsx" else "-12.50"
    return row, expected


_TAOBAO_CONSOLE_2019_HEADER = [
    "创建时间", "点击时间", "付款时间", "结算时间", "商品标题", "商品ID", "掌柜旺旺", "店铺名称",
    "商品数量", "商品单价", "付款金额", "类目名称", "淘宝父订单号", "淘宝子订单号", "订单状态",
    "订单类型", "结算金额", "佣金比率", "佣金金额", "补贴比率", "补贴金额", "收入比率", "分成比率",
    "提成", "技术服务费率", "技术服务费", "付款预估收入", "结算预估收入", "成交平台", "推广者身份",
    "媒体ID", "媒体名称", "推广位ID", "推广位名称", "渠道关系ID", "会员运营ID", "维权标签",
]


def _taobao_console_2019(
    rng: random.Random, i: int, fmt: str, accounts: Sequence[str] | None, kind: str | None,
    shared: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The console's export since 2019: taobao-api's fields under Chinese headers."""
    o = _Order(rng, i)
    parent, child = _digits(rng, 19), _digits(rng, 19)
    item_id = _digits(rng, 12)
    adzone = _digits(rng, 11)
    relation: str | None = None
    special = _digits(rng, 10) if rng.random() < 0.3 else None  # the buyer, never the promoter
    if rng.random() < 0.75:
        relation = _pick_account(rng, i, accounts, lambda: _digits(rng, 10))
        account, column = relation, "渠道关系ID"
    else:
        account, column = adzone, "推广位ID"
    status = {"paid": "已付款", "settled": "已结算", "invalid": "已失效"}[o.status]
    paid = o.paid if o.status != "invalid" or rng.random() < 0.5 else None
    settled = o.status == "settled"

    def money(fen: int) -> Any:
        return float(_yuan(fen)) if fmt == "xlsx" else f"{_yuan(fen):.2f}"

    rate = f"{o.rate_bp / 100:.2f}%"
    row: dict[str, Any] = {
        "创建时间": _text_time(o.created, fmt),
        "点击时间": _text_time(o.clicked, fmt),
        "付款时间": _text_time(paid, fmt),
        "结算时间": _text_time(o.settled if settled else None, fmt),
        "商品标题": o.title,
        "商品ID": item_id,
        "掌柜旺旺": rng.choice(_SHOPS),
        "店铺名称": rng.choice(_SHOPS),
        "商品数量": o.quantity,
        "商品单价": money(o.price),
        "付款金额": money(o.amount),
        "类目名称": o.category,
        "淘宝父订单号": parent,
        "淘宝子订单号": child,
        "订单状态": status,
        "订单类型": rng.choice(("天猫", "淘宝")),
        "结算金额": money(o.amount if settled else 0),
        "佣金比率": rate,
        "佣金金额": money(o.commission if settled else 0),
        "补贴比率": "0.00%",
        "补贴金额": money(0),
        "收入比率": rate,
        "分成比率": "100.00%",
        "提成": rate,
        "技术服务费率": "10.00%",
        "技术服务费": money(0),
        "付款预估收入": money(o.commission),
        "结算预估收入": money(o.commission if settled else 0),
        "成交平台": rng.choice(("无线", "PC")),
        "推广者身份": "二方",
        "媒体ID": "45678901",
        "媒体名称": "社群团购",
        "推广位ID": adzone,
        "推广位名称": f"团员推广位{i % 9 + 1:02d}",
        "渠道关系ID": relation,
        "会员运营ID": special,
        "维权标签": "0",
    }
    extra: dict[str, Any] = {"promoter_platform": "taobao", "promoter_account": account,
                             "promoter_account_column": column, "buyer_account": special}
    expected = o.expected(child, item_id, paid or o.created, extra=extra)
    expected["rows"]["products"]["category"] = o.category
    if kind == "bad_money":
        row["付款金额"] = "12,50"
    elif kind == "bad_time":
        row["创建时间"] = "2023-13-01 10:00:00"
        row["付款时间"] = None
    elif kind == "unknown_status":
        row["订单状态"] = "订单处理中"
    elif kind == "missing_order_id":
        row["淘宝子订单号"] = None
        row["淘宝父订单号"] = None
    elif kind == "negative_amount":
        row["订单状态"] = "已付款"
        row["付款金额"] = -12.5 if fmt == "xlsx" else "-12.50"
    return row, expected


_TAOBAO_API_HEADER = [
    "trade_parent_id", "trade_id", "tk_status", "tk_create_time", "tk_paid_time", "tb_paid_time",
    "tk_earning_time", "click_time", "item_id", "item_title", "item_num", "item_price",
    "item_category_name", "seller_nick", "seller_shop_title", "order_type", "flow_source",
    "terminal_type", "alipay_total_price", "pay_price", "pub_share_pre_fee", "pub_share_fee",
    "total_commission_rate", "total_commission_fee", "income_rate", "tk_total_rate",
    "pub_id", "site_id", "site_name", "adzone_id", "adzone_name", "relation_id", "special_id",
    "refund_tag",
]


def _text_time(when: datetime | None, fmt: str) -> Any:
    if when is None:
        return None
    return when if fmt == "xlsx" else when.strftime("%Y-%m-%d %H:%M:%S")


def _taobao_api(
    rng: random.Random, i: int, fmt: str, accounts: Sequence[str] | None, kind: str | None,
    shared: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    o = _Order(rng, i)
    parent = _digits(rng, 19)
    trade_id = parent if rng.random() < 0.7 else _digits(rng, 19)
    item_id = int(_digits(rng, 12))
    adzone = int(_digits(rng, 11))
    tk_status = {"paid": rng.choice((12, 14)), "settled": 3, "invalid": 13}[o.status]
    route = rng.random()
    relation: str | None = None
    special: str | None = None
    if route < 0.7:
        relation = _pick_account(rng, i, accounts, lambda: _digits(rng, 10))
        account, column = relation, "relation_id"
    else:
        if route < 0.85:
            special = _digits(rng, 10)  # the buyer's member-operations id, not the promoter
        account, column = str(adzone), "adzone_id"
    paid = o.paid if o.status != "invalid" or rng.random() < 0.5 else None
    settled = o.status == "settled"

    def money(fen: int) -> str:
        return f"{_yuan(fen):.2f}"

    row: dict[str, Any] = {
        "trade_parent_id": parent,
        "trade_id": trade_id,
        "tk_status": tk_status,
        "tk_create_time": _text_time(o.created, fmt),
        "tk_paid_time": _text_time(paid, fmt),
        "tb_paid_time": _text_time(paid, fmt),
        "tk_earning_time": _text_time(o.settled if settled else None, fmt),
        "click_time": _text_time(o.clicked, fmt),
        "item_id": item_id,
        "item_title": o.title,
        "item_num": o.quantity,
        "item_price": money(o.price),
        "item_category_name": o.category,
        "seller_nick": rng.choice(_SHOPS),
        "seller_shop_title": rng.choice(_SHOPS),
        "order_type": rng.choice(("天猫", "淘宝")),
        "flow_source": "--",
        "terminal_type": "无线",
        "alipay_total_price": money(o.amount),
        "pay_price": money(o.amount) if settled else "0.00",
        "pub_share_pre_fee": money(o.commission),
        "pub_share_fee": money(o.commission) if settled else "0.00",
        "total_commission_rate": f"{o.rate_bp / 100:.2f}",
        "total_commission_fee": money(o.commission) if settled else "0.00",
        "income_rate": f"{o.rate_bp / 100:.2f}",
        "tk_total_rate": f"{o.rate_bp / 100:.2f}",
        "pub_id": 123456789,
        "site_id": 45678901,
        "site_name": "社群团购",
        "adzone_id": adzone,
        "adzone_name": f"团员推广位{i % 9 + 1:02d}",
        "relation_id": _as_number(relation),
        "special_id": int(special) if special else None,
        "refund_tag": 0,
    }
    extra: dict[str, Any] = {"promoter_platform": "taobao", "promoter_account": account,
                             "promoter_account_column": column, "buyer_account": special}
    expected = o.expected(trade_id, str(item_id), paid or o.created, extra=extra)
    expected["rows"]["products"]["category"] = o.category
    if kind == "bad_money":
        row["alipay_total_price"] = "12,50"
    elif kind == "bad_time":
        row["tk_paid_time"] = "2023-13-01 10:00:00"
    elif kind == "unknown_status":
        row["tk_status"] = 99
    elif kind == "missing_order_id":
        row["trade_id"] = None
        row["trade_parent_id"] = ""
    elif kind == "negative_amount":
        row["tk_status"] = 12
        row["alipay_total_price"] = "-12.50"
    return row, expected


_PDD_HEADER = [
    "order_sn", "order_id", "goods_id", "goods_name", "goods_price", "goods_quantity",
    "order_amount", "promotion_rate", "promotion_amount", "order_status", "order_status_desc",
    "order_create_time", "order_pay_time", "order_group_success_time", "order_receive_time",
    "order_settle_time", "order_modify_at", "p_id", "custom_parameters", "cpa_new", "type",
    "auth_duo_id", "zs_duo_id", "batch_no", "fail_reason", "is_direct",
]
_PDD_STATUS_DESC = {-1: "未支付", 0: "已支付", 1: "已成团", 2: "确认收货", 3: "审核成功",
                    4: "审核失败", 5: "已经结算", 8: "非多多进宝商品"}


def _pdd(
    rng: random.Random, i: int, fmt: str, accounts: Sequence[str] | None, kind: str | None,
    shared: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    o = _Order(rng, i)
    code = {"paid": rng.choice((0, 1, 2, 3)), "settled": 5,
            "invalid": rng.choice((4, 8))}[o.status]
    order_sn = f"{o.created:%y%m%d}-{_digits(rng, 15)}"
    goods_id = int(_digits(rng, 11))
    p_id = _pick_account(rng, i, accounts, lambda: f"8888888_{_digits(rng, 9)}")
    rate = o.rate_bp // 10  # per mille
    commission = o.amount * rate // 1000 if o.status != "invalid" else 0
    o.commission = commission
    hint_kind = rng.random()
    if hint_kind < 0.5:
        uid = f"m{_digits(rng, 6)}"
        custom, hint = json.dumps({"uid": uid, "sid": "g" + _digits(rng, 4)}), uid
    elif hint_kind < 0.7:
        uid = _digits(rng, 6)
        custom, hint = uid, uid
    else:
        custom, hint = "", None

    def epoch(when: datetime | None) -> int:
        return 0 if when is None else int(when.replace(tzinfo=_CHINA).timestamp())

    settled = o.status == "settled"
    row: dict[str, Any] = {
        "order_sn": order_sn,
        "order_id": _digits(rng, 12),
        "goods_id": goods_id,
        "goods_name": o.title,
        "goods_price": o.price,
        "goods_quantity": o.quantity,
        "order_amount": o.amount,
        "promotion_rate": rate,
        "promotion_amount": commission,
        "order_status": code,
        "order_status_desc": _PDD_STATUS_DESC[code],
        "order_create_time": epoch(o.created),
        "order_pay_time": epoch(o.paid),
        "order_group_success_time": epoch(o.paid + timedelta(minutes=1)),
        "order_receive_time": epoch(o.settled - timedelta(days=7)) if code in (2, 3, 5) else 0,
        "order_settle_time": epoch(o.settled) if settled else 0,
        "order_modify_at": epoch(o.settled if settled else o.paid),
        "p_id": p_id,
        "custom_parameters": custom,
        "cpa_new": rng.choice((0, 1)),
        "type": 0,
        "auth_duo_id": 0,
        "zs_duo_id": 0,
        "batch_no": f"{o.settled:%Y%m}" if settled else "",
        "fail_reason": "商品非多多进宝商品" if code == 8 else ("违规推广" if code == 4 else ""),
        "is_direct": 1,
    }
    expected = o.expected(order_sn, str(goods_id), o.paid, extra={
        "promoter_platform": "pdd", "promoter_account": p_id,
        "commission_rate": rate / 1000, "member_hint": hint,
    })
    if kind == "bad_money":
        row["order_amount"] = f"{o.amount // 100}.{o.amount % 100 or 50:02d}"  # yuan, not fen
    elif kind == "bad_time":
        row["order_pay_time"] = o.paid.strftime("%Y-%m-%d %H:%M:%S")
    elif kind == "unknown_status":
        row["order_status"] = 7
    elif kind == "missing_order_id":
        row["order_sn"] = ""
    elif kind == "negative_amount":
        row["order_status"] = 0
        row["order_amount"] = -1250
    return row, expected


_JD_HEADER = [
    "id", "orderId", "parentId", "orderTime", "finishTime", "modifyTime", "orderEmt", "plus",
    "unionId", "skuId", "skuName", "skuNum", "skuReturnNum", "skuFrozenNum", "price",
    "commissionRate", "subSideRate", "subsidyRate", "finalRate", "estimateCosPrice",
    "estimateFee", "actualCosPrice", "actualFee", "validCode", "traceType", "positionId",
    "siteId", "unionAlias", "pid", "cid1", "cid2", "cid3", "subUnionId", "unionTag", "popId",
    "payMonth", "unionRole",
]


def _jd(
    rng: random.Random, i: int, fmt: str, accounts: Sequence[str] | None, kind: str | None,
    shared: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    o = _Order(rng, i)
    code = {"paid": 16, "settled": 17, "invalid": rng.choice((3, 2, 15))}[o.status]
    order_id = int(_digits(rng, 12))
    sku_id = int(_digits(rng, 11))
    line_id = f"{order_id}{sku_id}" if rng.random() < 0.5 else None
    position = int(_digits(rng, 10))
    sub_union = None
    if rng.random() < 0.7:
        sub_union = _pick_account(rng, i, accounts, lambda: f"team_{_digits(rng, 4)}")
        account, column = sub_union, "subUnionId"
    else:
        account, column = str(position), "positionId"
    settled = o.status == "settled"
    numeric = fmt != "csv"

    def money(fen: int) -> Any:
        return float(_yuan(fen)) if numeric else f"{_yuan(fen)}"

    row: dict[str, Any] = {
        "id": line_id,
        "orderId": order_id,
        "parentId": 0,
        "orderTime": o.created.strftime("%Y-%m-%d %H:%M:%S"),
        "finishTime": o.settled.strftime("%Y-%m-%d %H:%M:%S") if settled else "",
        "modifyTime": (o.settled if settled else o.paid).strftime("%Y-%m-%d %H:%M:%S"),
        "orderEmt": 2,
        "plus": rng.choice((0, 1)),
        "unionId": 1000123456,
        "skuId": sku_id,
        "skuName": o.title,
        "skuNum": o.quantity,
        "skuReturnNum": 0,
        "skuFrozenNum": 0,
        "price": money(o.price),
        "commissionRate": o.rate_bp / 100,
        "subSideRate": 90.0,
        "subsidyRate": 10.0,
        "finalRate": 100.0,
        "estimateCosPrice": money(o.amount),
        "estimateFee": money(o.commission),
        "actualCosPrice": money(o.amount if settled else 0),
        "actualFee": money(o.commission if settled else 0),
        "validCode": code,
        "traceType": rng.choice((2, 3)),
        "positionId": position,
        "siteId": 0,
        "unionAlias": "",
        "pid": "",
        "cid1": 1320, "cid2": 1583, "cid3": 1590,
        "subUnionId": sub_union,
        "unionTag": "00000000000000000000000000000000",
        "popId": int(_digits(rng, 8)),
        "payMonth": int(f"{o.settled:%Y%m%d}") if settled else 0,
        "unionRole": 1,
    }
    extra = {"promoter_platform": "jd", "promoter_account": account,
             "promoter_account_column": column}
    expected = o.expected(line_id or f"{order_id}-{sku_id}", str(sku_id), o.created,
                          extra=extra)
    if kind == "bad_money":
        row["estimateCosPrice"] = "1,2x"
        row["actualCosPrice"] = money(0)
    elif kind == "bad_time":
        row["orderTime"] = "2023-10-32 25:00:00"
    elif kind == "unknown_status":
        row["validCode"] = 99
    elif kind == "missing_order_id":
        row["id"] = None
        row["orderId"] = None
    elif kind == "negative_amount":
        row["validCode"] = 16
        row["estimateCosPrice"] = -12.5 if numeric else "-12.50"
        row["actualCosPrice"] = money(0)
    return row, expected


_YOUZAN_HEADER = ["分销员ID", "昵称", "手机号", "邀请人", "成为分销员时间", "等级",
                  "累计成交笔数", "累计成交金额(元)"]


def _phone(rng: random.Random) -> str:
    return rng.choice(("138", "139", "186", "150", "177", "199")) + _digits(rng, 8)


def _youzan(
    rng: random.Random, i: int, fmt: str, accounts: Sequence[str] | None, kind: str | None,
    shared: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    state: list[tuple[str, str | None]] = shared.setdefault("distributors", [])
    phone = _phone(rng)
    while phone in {p for p, _ in state}:
        phone = _phone(rng)
    if accounts and i < len(accounts):
        ident: str | None = str(accounts[i])
    else:
        ident = None if rng.random() < 0.1 else "".join(
            rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789") for _ in range(6))
    inviter = rng.choice(state)[0] if state and i >= 3 else None
    joined = _START + timedelta(days=i % 28, minutes=rng.randint(0, 600),
                                seconds=rng.randint(0, 59))
    tier = rng.choice(_TIERS)
    written_phone = phone
    if rng.random() < 0.15:
        written_phone = f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"
    row: dict[str, Any] = {
        "分销员ID": ident,
        "昵称": rng.choice(_NICKNAMES),
        "手机号": written_phone,
        "邀请人": inviter,
        "成为分销员时间": joined if fmt == "xlsx" else joined.strftime("%Y-%m-%d %H:%M:%S"),
        "等级": tier,
        "累计成交笔数": rng.randint(0, 80),
        "累计成交金额(元)": f"{Decimal(rng.randint(0, 5_000_000)) / 100:.2f}",
    }
    members: dict[str, Any] = {"member_id": phone, "referrer_id": inviter, "platform": "youzan",
                               "joined_at": _ms(joined), "tier": tier, "status": None}
    rows: dict[str, Any] = {"members": members}
    hashed = [("members", "member_id")] + ([("members", "referrer_id")] if inviter else [])
    if ident is not None:
        rows["accounts"] = {"member_id": phone, "platform": "youzan", "account_id": ident}
        hashed.append(("accounts", "member_id"))
    expected = {"rows": rows, "extra": {}, "hashed": hashed}
    if kind is None:
        state.append((phone, ident))
    elif kind == "bad_time":
        row["成为分销员时间"] = "2023-02-30 10:00:00"
    elif kind == "missing_id":
        row["手机号"] = ""
        row["分销员ID"] = ""
    elif kind == "mangled_phone":
        row["邀请人"] = "1.38001E+10"
    return row, expected


Builder = Callable[..., tuple[dict[str, Any], dict[str, Any]]]

_BUILDERS: dict[str, tuple[list[str], Builder, tuple[str, ...], dict[str, str]]] = {
    "taobao-console": (_TAOBAO_CONSOLE_HEADER, _taobao_console, _ORDER_KINDS, _ORDER_CODES),
    "taobao-console-2019": (_TAOBAO_CONSOLE_2019_HEADER, _taobao_console_2019, _ORDER_KINDS,
                            _ORDER_CODES),
    "taobao-api": (_TAOBAO_API_HEADER, _taobao_api, _ORDER_KINDS, _ORDER_CODES),
    "pdd-jinbao": (_PDD_HEADER, _pdd, _ORDER_KINDS, _ORDER_CODES),
    "jd-union": (_JD_HEADER, _jd, _ORDER_KINDS, _ORDER_CODES),
    "youzan-distributors": (_YOUZAN_HEADER, _youzan, _YOUZAN_KINDS, _YOUZAN_CODES),
}
