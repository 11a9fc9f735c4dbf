"""The relationship chart (传销人员关系图) as an SVG picture inside the case file.

The analysis (``queries.compliance.evidence.chart``) gives the organization's members
level by level, each after its recruiter, with the members the findings name marked.
A page holds a readable tree of a few dozen branches, so the picture draws the levels
from the organizer down as far as ``MAX_SLOTS`` side-by-side places allow, and puts
under each member drawn last a box saying how many are below them. Every member is in
the picture once, drawn or counted in a box: ``Picture.shown`` equals the
organization's people. The full list, member by member, follows the picture in the
case file as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from markupsafe import Markup, escape

from refnet.queries.compliance.evidence import ChartNode, RelationshipChart

__all__ = ["MAX_SLOTS", "Picture", "picture"]

MAX_SLOTS: Final = 64  # places side by side on an A4 landscape page
SLOT: Final = 28  # width of one place (SVG units)
ROW: Final = 64  # height of one level
TOP: Final = 24


@dataclass(frozen=True)
class Picture:
    svg: Markup
    drawn: int  # members drawn as a node
    counted: int  # members counted in boxes below the deepest drawn ones
    levels: int  # levels drawn

    @property
    def shown(self) -> int:
        return self.drawn + self.counted


def picture(chart: RelationshipChart, below: str = "below") -> Picture:
    """The SVG of ``chart``; ``below`` is the word after a box's count (its language)."""
    kids: dict[str, list[ChartNode]] = {}
    for n in chart.nodes:
        if n.recruiter is not None:
            kids.setdefault(n.recruiter, []).append(n)
    depth = _levels_that_fit(chart.nodes, kids)
    drawn = [n for n in chart.nodes if n.level <= depth]
    root = drawn[0]
    width: dict[str, int] = {}

    def boxed(n: ChartNode) -> int:
        """Members below ``n`` not drawn: all of them when its children are not."""
        if n.level == depth:
            return n.downline
        return n.downline - sum(1 + c.downline for c in kids.get(n.member, []))

    for n in reversed(drawn):  # children before their recruiter
        inner = sum(width[c.member] for c in kids.get(n.member, []) if c.level <= depth)
        width[n.member] = max(1, inner + (1 if boxed(n) and inner else 0))
    x: dict[str, float] = {}
    parts: list[str] = []
    boxes: list[str] = []
    counted = 0

    def place(n: ChartNode, left: int) -> None:
        nonlocal counted
        x[n.member] = (left + width[n.member] / 2) * SLOT
        at = left
        for c in kids.get(n.member, []):
            if c.level <= depth:
                place(c, at)
                at += width[c.member]
        extra = boxed(n)
        if extra:
            counted += extra
            bx = (at + 0.5) * SLOT if at > left else x[n.member]
            y = TOP + n.level * ROW - ROW / 2 + 10
            parts.append(_line(x[n.member], _y(n.level), bx, y))
            boxes.append(f'<g class="box"><rect x="{bx - 13:.1f}" y="{y:.1f}" width="26" '
                         f'height="14" rx="3"/><text x="{bx:.1f}" y="{y + 10:.1f}">'
                         f'+{extra:,}</text></g>')

    place(root, 0)
    for n in drawn[1:]:
        parts.append(_line(x[n.recruiter], _y(n.level - 1), x[n.member], _y(n.level)))
    for n in drawn:
        mark = " flagged" if n.codes else ""
        title = escape(n.member + (f" ({', '.join(n.codes)})" if n.codes else "")
                       + f": {n.downline:,} {below}")
        parts.append(f'<g class="node{mark}"><title>{title}</title>'
                     f'<circle cx="{x[n.member]:.1f}" cy="{_y(n.level):.1f}" r="5"/>'
                     f'<text x="{x[n.member] + 3:.1f}" y="{_y(n.level) + 9:.1f}" '
                     f'transform="rotate(45 {x[n.member] + 3:.1f} {_y(n.level) + 9:.1f})">'
                     f'{escape(n.member)}</text></g>')
    total = width[root.member] * SLOT + 60
    height = TOP + (depth + 1) * ROW
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" class="relationship" '
           f'viewBox="0 0 {total} {height}" role="img" aria-label="{escape(chart.root)}">'
           + "".join(parts) + "".join(boxes) + "</svg>")
    return Picture(Markup(svg), len(drawn), counted, depth)


def _levels_that_fit(nodes: list[ChartNode], kids: dict[str, list[ChartNode]]) -> int:
    """The deepest level whose cut tree fits ``MAX_SLOTS`` places (the organizer's level
    at least): its leaves are that level's members and the members above it with no
    recruit drawn."""
    deepest = max(n.level for n in nodes)
    best = nodes[0].level
    for depth in range(nodes[0].level, deepest + 1):
        slots = sum(1 for n in nodes if n.level == depth) + sum(
            1 for n in nodes if n.level < depth and not any(
                c.level <= depth for c in kids.get(n.member, [])))
        if slots > MAX_SLOTS:
            break
        best = depth
    return best


def _y(level: int) -> float:
    return TOP + (level - 1) * ROW


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>'
