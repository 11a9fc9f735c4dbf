"""Downline health without a server: the Gini coefficient, the buckets, argument checks."""

from __future__ import annotations

import random
from typing import Any

import pytest

from refnet.graph.errors import BadInput
from refnet.queries import downline
from refnet.queries.downline import RECRUIT_BUCKETS, gini
from refnet.queries.window import Window


def gini_by_definition(xs: list[int]) -> float:
    """sum_i sum_j |x_i - x_j| / (2 n^2 mean): the textbook formula, O(n^2)."""
    n = len(xs)
    mean = sum(xs) / n
    return sum(abs(a - b) for a in xs for b in xs) / (2 * n * n * mean)


@pytest.mark.parametrize(("values", "expected"), [
    ([5], 0.0),
    ([1, 1, 1, 1], 0.0),
    ([0, 0, 0, 1], 0.75),  # all in one of n: (n - 1) / n
    ([0, 1], 0.5),
    ([1, 2, 3, 4, 5], 40 / 150),
    ([0, 0, 0, 10_000, 30_000], 0.7),
    ([3, 1], 0.25),
])
def test_gini_known_values(values: list[int], expected: float) -> None:
    assert gini(values) == pytest.approx(expected)


@pytest.mark.parametrize("values", [[], [0], [0, 0, 0]])
def test_gini_is_none_with_nothing_to_share(values: list[int]) -> None:
    assert gini(values) is None


def test_gini_matches_the_definition_and_ignores_order() -> None:
    rng = random.Random(5)
    for _ in range(200):
        xs = [rng.choice([0, rng.randint(1, 10**6)]) for _ in range(rng.randint(1, 30))]
        if not any(xs):
            continue
        g = gini(xs)
        assert g == pytest.approx(gini_by_definition(xs), abs=1e-12)
        rng.shuffle(xs)
        assert gini(xs) == pytest.approx(g)
        assert 0.0 <= g <= (len(xs) - 1) / len(xs) + 1e-12


def test_gini_refuses_negative_values() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        gini([3, -1])


def test_recruit_buckets_cover_every_count_once() -> None:
    for k in range(0, 500):
        hits = [label for label, low, high in RECRUIT_BUCKETS
                if k >= low and (high is None or k <= high)]
        assert len(hits) == 1, (k, hits)


class Untouchable:
    """A store that fails the test if a question reaches it."""

    def run(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("argument checks must come before any query")


W = Window(1_000, 2_000)


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    (("r", W), {"max_depth": 0}, "between 1 and 100"),
    (("r", W), {"max_depth": 101}, "between 1 and 100"),
    (("r", W), {"max_depth": 2.5}, "whole number"),
    (("r", W), {"top": 10_001}, "between 1 and 10000"),
    (("r", W), {"top": None}, "whole number"),
    (("r", "last month"), {}, "expected a Window"),
    ((None, W), {}, "non-empty string"),
    (("  ", W), {}, "non-empty string"),
])
def test_bad_arguments_fail_before_any_query(args: tuple[Any, ...], kwargs: dict[str, Any],
                                             message: str) -> None:
    with pytest.raises(BadInput, match=message) as e:
        downline.health(Untouchable(), *args, **kwargs)  # type: ignore[arg-type]
    assert e.value.code == "BAD_USER_INPUT"


@pytest.mark.parametrize("as_of", [-1, "2026-01-01", 1.5])
def test_upline_checks_as_of(as_of: Any) -> None:
    with pytest.raises(BadInput, match="as_of"):
        downline.upline(Untouchable(), "m1", as_of)  # type: ignore[arg-type]
