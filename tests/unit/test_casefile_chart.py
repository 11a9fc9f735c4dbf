"""The relationship chart's picture: every member of the organization is in it once,
drawn as a node or counted in a box, whatever the organization's shape."""

from __future__ import annotations

import re

import pytest

from refnet.api.casefile.chart import MAX_SLOTS, picture
from refnet.queries.compliance.evidence import ChartNode, RelationshipChart


def organization(shape: list[int]) -> RelationshipChart:
    """An organizer and, on each level, ``shape[i]`` members hung round-robin under the
    members of the level above."""
    nodes = [ChartNode("m0", None, 1, 0, [])]
    above = ["m0"]
    for depth, count in enumerate(shape, start=2):
        level = [ChartNode(f"m{depth}.{i}", above[i % len(above)], depth, 0, ["X"] if i == 0
                           else []) for i in range(count)]
        nodes += level
        above = [n.member for n in level]
    below: dict[str, int] = {n.member: 0 for n in nodes}
    for n in reversed(nodes):  # preorder is not needed for the counts
        if n.recruiter is not None:
            below[n.recruiter] += 1 + below[n.member]
    nodes = [ChartNode(n.member, n.recruiter, n.level, below[n.member], n.codes) for n in nodes]
    ordered: list[ChartNode] = []  # preorder: a recruiter before its recruits

    def visit(member: str) -> None:
        ordered.extend(n for n in nodes if n.member == member)
        for n in nodes:
            if n.recruiter == member:
                visit(n.member)

    visit("m0")
    per_level = [1, *shape]
    return RelationshipChart("m0", sum(per_level), len(per_level), per_level, len(per_level),
                             ordered, [])


@pytest.mark.parametrize("shape", [[], [3], [3, 9, 27], [9, 20, 200, 400],
                                   [MAX_SLOTS + 22, 300], [MAX_SLOTS * 3, 10]])
def test_every_member_is_drawn_or_counted_once(shape: list[int]) -> None:
    chart = organization(shape)
    pic = picture(chart)
    assert pic.shown == chart.people
    svg = str(pic.svg)
    assert svg.count('<g class="node') == pic.drawn
    assert sum(int(n.replace(",", "")) for n in re.findall(r">\+([\d,]+)<", svg)) == pic.counted
    assert svg.count('class="node flagged"') == sum(1 for n in chart.nodes
                                                    if n.codes and n.level <= pic.levels)
    assert pic.levels >= min(2, chart.levels)  # the organizer's recruits, however many


def test_ids_are_escaped() -> None:
    chart = organization([1])
    evil = ChartNode('<script>"x"</script>', "m0", 2, 0, [])
    pic = picture(RelationshipChart("m0", 2, 2, [1, 1], 2, [chart.nodes[0], evil], []))
    assert "<script>" not in str(pic.svg) and "&lt;script&gt;" in str(pic.svg)
