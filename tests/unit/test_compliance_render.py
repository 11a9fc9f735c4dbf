"""The compliance report for people and machines, without a store."""

from __future__ import annotations

import json
import re

from rich.console import Console

from refnet.api.render import compliance as render
from refnet.api.render import to_json
from refnet.queries.compliance import ComplianceReport, Flag, Month, Totals, policy
from refnet.queries.compliance.context import _month_ends
from refnet.queries.window import Window
from tests.graphs import at

TOTALS = Totals(
    members=40, organizations=1, deepest_levels=3, purchases=4, gmv=1_234_550,
    commission=100_000, entry_gmv=850_000, entry_commission=90_000, internal_gmv=1_000_000,
    outside_gmv=234_550, self_gmv=10_000, retail_commission=10_000, unattributed_gmv=0,
    entry_share=850_000 / 1_234_550, internal_share=1_000_000 / 1_234_550, reward_to_retail=9.0,
    buying_members=10, entry_only_buyers=4, refused_referrals=2,
)


def sample() -> ComplianceReport:
    window = Window(at(0), at(59))
    flags = [
        Flag("PYRAMID_THRESHOLD", "critical", "root", "root organizes 40 people in 3 levels",
             {"people": 40, "levels": 3}, evidence=[["root", "a", "b"]], per_level=[1, 9, 30],
             timeline=[Month("2026-01", 10, 2, 9), Month("2026-02", 40, 3, 30)]),
        Flag("ENTRY_PACKAGE_SHARE", "warning", None, "entry packages are 68.9% of GMV",
             {"entry_gmv": 850_000, "gmv": 1_234_550, "share": 0.6885, "max_share": 0.2},
             evidence=[[f"m{i}" for i in range(12)]]),
        Flag("DOWNLINE_RECRUITMENT_VELOCITY", "warning", "root", "grew fast",
             {"recruits": 31, "peak_at": at(40)}, timeline=[Month("2026-02", 40, 3, 30)]),
    ]
    return ComplianceReport(policy.load("cn"), window.describe(), window.start, window.end,
                            None, 5, TOTALS, [], flags)


def rendered(report: ComplianceReport) -> str:
    console = Console(width=200, record=True, color_system=None)
    for table in render.tables(report):
        console.print(table)
    return console.export_text()


def test_tables_show_money_percentages_and_evidence() -> None:
    text = rendered(sample())
    assert "¥12,345.50" in text  # GMV in yuan with separators
    assert "68.9%" in text  # the entry share, as a percentage
    assert "root → a → b" in text
    assert "m0 → m1 → m2 → …6… → m9 → m10 → m11" in text  # long chains are shortened
    assert "2026-02-10" in text  # the velocity peak as a date
    assert "40 / 3 / 30" in text  # month by month: members / levels / recruits
    assert "1 critical" in text and "2 warning" in text
    assert re.search(r"│\s+3\s+│\s+30\s+│", text)  # level 3 of the chart: 30 members


def test_chain_shortening() -> None:
    assert render.chain(["a", "b"]) == "a → b"
    assert render.chain([str(i) for i in range(7)]) == "0 → 1 → 2 → 3 → 4 → 5 → 6"
    assert render.chain([str(i) for i in range(9)], keep=2) == "0 → 1 → …5… → 7 → 8"


def test_to_json_round_trips() -> None:
    data = json.loads(to_json(sample()))
    assert data["policy"]["threshold_people"] == 30
    assert data["totals"]["gmv"] == 1_234_550
    assert data["flags"][0]["timeline"][1] == {"month": "2026-02", "members": 40, "levels": 3,
                                               "recruits": 30}
    assert sample().by_severity() == {"info": 0, "warning": 2, "critical": 1}


def test_month_ends_cover_the_window() -> None:
    ends = _month_ends(at(0), at(59))  # 2026-01-01 .. 2026-03-01
    assert [label for label, _ in ends] == ["2026-01", "2026-02", "2026-03"]
    assert ends[0][1] == at(31) - 1 and ends[-1][1] == at(59)
    assert [label for label, _ in _month_ends(at(-1), at(0) - 1)] == ["2025-12"]
    # the window includes its end: the first instant of January is in it
    assert [label for label, _ in _month_ends(at(-1), at(0))] == ["2025-12", "2026-01"]
    assert [label for label, _ in _month_ends(at(333), at(366))] == [
        "2026-11", "2026-12", "2027-01"]
