"""The Bloom filter behind create-only writes: no false negatives, flat size."""

from __future__ import annotations

from refnet.loaders.fresh import Fresh, bits_for


def test_a_key_is_new_once_and_never_again() -> None:
    fresh = Fresh(["members"])
    keys = [(f"m{i}",) for i in range(10_000)]
    assert fresh.split("members", keys).all()
    assert not fresh.split("members", keys).any()  # no false negatives, ever
    assert not fresh.split("members", keys[:3] + keys[-3:]).any()


def test_entities_that_were_not_empty_are_never_new() -> None:
    fresh = Fresh(["members"])
    assert not fresh.split("clicks", [("m1", "s1")]).any()
    assert not Fresh(()).split("members", [("m1",)]).any()


def test_the_same_key_of_another_entity_is_a_different_key() -> None:
    fresh = Fresh(["members", "accounts"])
    fresh.add("members", [("x",)])
    assert fresh.split("accounts", [("x",)]).all()


def test_a_small_filter_filled_far_past_its_size_only_loses_speed() -> None:
    """Past its size nearly every key looks seen (the checking path), none is lost."""
    fresh = Fresh(["trust"], bits=1 << 10)
    first = [(f"a{i}", f"b{i}") for i in range(5_000)]
    fresh.split("trust", first)
    assert not fresh.split("trust", first).any()
    later = fresh.split("trust", [(f"c{i}", f"d{i}") for i in range(1_000)])
    assert later.mean() < 0.05


def test_the_filter_grows_with_the_load_and_stays_bounded() -> None:
    """About 12 bits per expected key, a power of two, between 1 MiB and 256 MiB."""
    assert bits_for(0) == 1 << 23 and bits_for(10**12) == 1 << 31
    sizes = [bits_for(n) for n in (10**5, 10**6, 10**7, 10**8)]
    assert sizes == sorted(sizes) and all(s & (s - 1) == 0 for s in sizes)
    assert all(s >= 12 * n for s, n in zip(sizes, (10**5, 10**6, 10**7, 10**8), strict=True))


def test_false_positives_stay_rare_when_the_filter_is_sized_for_the_load() -> None:
    """Sized for 200,000 keys and given 200,000: well under 1% of new keys look seen."""
    fresh = Fresh(["clicks"], bits=bits_for(200_000))
    for start in range(0, 200_000, 5_000):
        fresh.split("clicks", [(f"m{i}", f"s{i}") for i in range(start, start + 5_000)])
    later = fresh.split("clicks", [(f"x{i}", f"y{i}") for i in range(20_000)])
    assert later.mean() > 0.99
