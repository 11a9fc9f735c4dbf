"""The ECharts options the pages draw, built on the server from the answers: data only,
no functions (``static/charts.js`` draws every one of them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from refnet.queries import conversion, downline

from .labels import BUCKET_LABELS

__all__ = ["funnel_chart", "influence_chart", "level_chart", "slice_label"]


def slice_label(group: str, key: str) -> str:
    """A conversion slice's name for the reader: trust buckets and "no channel" in words."""
    if group == "trust":
        return str(BUCKET_LABELS.get(key, key))
    if group == "level":
        return str(_("Level %(n)s", n=key))
    if group == "channel" and key == conversion.NO_CHANNEL:
        return str(_("No channel"))
    return key


def funnel_chart(report: Any, label: Callable[[str], str]) -> dict[str, Any]:
    """Clicks per slice (bars) and their conversion in percent (a line)."""
    clicks, rate = str(_("Clicks")), str(_("Conversion (%)"))
    groups = report.groups
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "data": [clicks, rate]},
        "grid": {"left": 56, "right": 64, "top": 56, "bottom": 56},
        "xAxis": {"type": "category", "data": [label(g.key) for g in groups],
                  "axisLabel": {"interval": 0, "rotate": 30 if len(groups) > 8 else 0}},
        "yAxis": [{"type": "value", "name": clicks}, {"type": "value", "name": rate}],
        "series": [
            {"name": clicks, "type": "bar", "data": [g.clicks for g in groups]},
            {"name": rate, "type": "line", "yAxisIndex": 1,
             "data": [None if g.conversion is None else round(g.conversion * 100, 2)
                      for g in groups]},
        ],
    }


def influence_chart(ranking: Any) -> dict[str, Any]:
    """The listed members' PageRank against the GMV attributed to them."""
    return {
        "tooltip": {"trigger": "item"},
        "grid": {"left": 64, "right": 32, "top": 32, "bottom": 48},
        "xAxis": {"type": "value", "name": "PageRank", "scale": True},
        "yAxis": {"type": "value", "name": str(_("GMV (¥)"))},
        "series": [{"type": "scatter", "symbolSize": 10,
                    "data": [{"name": r.member, "value": [r.pagerank, r.gmv / 100]}
                             for r in ranking.rows]}],
    }


def level_chart(health: downline.DownlineHealth) -> dict[str, Any]:
    """The ECharts option of the per-level chart: members and active members (bars),
    GMV in yuan (a line on its own axis)."""
    levels = [lv for lv in health.levels if lv.level > 0]
    members, active, gmv = str(_("Members")), str(_("Active")), str(_("GMV (¥)"))
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "data": [members, active, gmv]},
        "grid": {"left": 56, "right": 72, "top": 56, "bottom": 32},
        "xAxis": {"type": "category", "name": str(_("Level")),
                  "data": [lv.level for lv in levels]},
        "yAxis": [{"type": "value", "name": members}, {"type": "value", "name": gmv}],
        "series": [
            {"name": members, "type": "bar", "data": [lv.members for lv in levels]},
            {"name": active, "type": "bar", "data": [lv.active for lv in levels]},
            {"name": gmv, "type": "line", "yAxisIndex": 1,
             "data": [lv.gmv / 100 for lv in levels]},  # yuan, for the axis only
        ],
    }
