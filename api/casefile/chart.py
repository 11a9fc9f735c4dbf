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
    if len(drawn) - 1 > MAX_SLOTS:  # the organizer's recruits alone are too many for a row
        return _rows(root, drawn[1:], below)
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
    lines: list[str] = []
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
            y = _y(n.level) + ROW / 2 + 10
            lines.append(_line(x[n.member], _y(n.level), bx, y))
            boxes.append(_box(bx, y, extra))

    place(root, 0)
    for n in drawn[1:]:
        lines.append(_line(x[n.recruiter], _y(n.level - 1), x[n.member], _y(n.level)))
    nodes = [_node(n, x[n.member], _y(n.level), below) for n in drawn]
    return Picture(_svg(chart.root, width[root.member] * SLOT + 60, TOP + (depth + 1) * ROW,
                        [*lines, *nodes, *boxes]), len(drawn), counted, depth)


def _rows(root: ChartNode, recruits: list[ChartNode], below: str) -> Picture:
    """An organizer with more recruits than a row holds: the recruits in rows of
    ``MAX_SLOTS // 2`` hung from a trunk (an organization chart's bus), each with the
    box of the members below them."""
    per_row = MAX_SLOTS // 2
    row_height = ROW * 1.5
    trunk_x = SLOT / 2
    parts = [_node(root, trunk_x + SLOT, TOP, below)]
    rows = [recruits[i:i + per_row] for i in range(0, len(recruits), per_row)]
    bus_y = [TOP + 24 + r * row_height for r in range(len(rows))]
    parts.insert(0, _line(trunk_x + SLOT, TOP, trunk_x + SLOT, TOP + 12))
    parts.insert(0, _line(trunk_x, TOP + 12, trunk_x + SLOT, TOP + 12))
    parts.insert(0, _line(trunk_x, TOP + 12, trunk_x, bus_y[-1]))
    counted = 0
    for row, y in zip(rows, bus_y, strict=True):
        last_x = (len(row) + 0.5) * SLOT
        parts.insert(0, _line(trunk_x, y, last_x, y))
        for i, n in enumerate(row):
            x = (i + 1.5) * SLOT
            parts.insert(0, _line(x, y, x, y + 10))
            parts.append(_node(n, x, y + 10, below))
            if n.downline:
                counted += n.downline
                parts.append(_box(x, y + 40, n.downline))
    total = (per_row + 2) * SLOT
    height = bus_y[-1] + row_height
    return Picture(_svg(root.member, total, height, parts), 1 + len(recruits), counted, 2)


def _levels_that_fit(nodes: list[ChartNode], kids: dict[str, list[ChartNode]]) -> int:
    """The deepest level whose cut tree fits ``MAX_SLOTS`` places, and the organizer's
    recruits at least, however many (a wide organization is drawn wide): the cut tree's
    leaves are that level's members and the members above it with no recruit drawn."""
    deepest = max(n.level for n in nodes)
    best = min(nodes[0].level + 1, deepest)  # the organizer and its recruits, however many
    for depth in range(best + 1, deepest + 1):
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


def _node(n: ChartNode, x: float, y: float, below: str) -> str:
    """A member: a dot (red when a finding names them), the id slanted beside it, and a
    tooltip with the findings and how many are below."""
    mark = " flagged" if n.codes else ""
    title = escape(n.member + (f" ({', '.join(n.codes)})" if n.codes else "")
                   + f": {n.downline:,} {below}")
    return (f'<g class="node{mark}"><title>{title}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5"/>'
            f'<text x="{x + 3:.1f}" y="{y + 9:.1f}" transform="rotate(45 {x + 3:.1f} '
            f'{y + 9:.1f})">{escape(n.member)}</text></g>')


def _box(x: float, y: float, members: int) -> str:
    """How many members are below, where they are not drawn."""
    return (f'<g class="box"><rect x="{x - 13:.1f}" y="{y:.1f}" width="26" height="14" '
            f'rx="3"/><text x="{x:.1f}" y="{y + 10:.1f}">+{members:,}</text></g>')


def _svg(root: str, width: float, height: float, parts: list[str]) -> Markup:
    # drawn at its own size, never blown up: a small organization stays small on the page
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="relationship" '
                  f'viewBox="0 0 {width:.0f} {height:.0f}" style="max-width: {width:.0f}px" '
                  f'role="img" aria-label="{escape(root)}">' + "".join(parts) + "</svg>")
