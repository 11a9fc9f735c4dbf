"""The snapshot updated by what one load touched equals the snapshot built afresh.

Random base networks are loaded through the real loader into the embedded store (which
saves their snapshot), then a random second load: new members under old ones and new
roots, members sent again with another status or tier, orders sent again with another
status, a product's entry flag flipped, new trust, shares, clicks and purchases, and
the base's own members file sent again unchanged. ``update`` must equal ``build``,
every array and every code table.
"""

from __future__ import annotations

import importlib
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refnet.graph.falkordb_store import FalkorDBStore
from refnet.loaders import load
from refnet.queries import snapshot
from refnet.queries.snapshot import core
from refnet.queries.snapshot.columns import ARRAYS, TABLES
from tests.graphs import HASHER, Network

update_module = importlib.import_module("refnet.queries.snapshot.update")  # not the function
STATUSES = ["paid", "settled", "refunded", "invalid"]


def assert_same(got: snapshot.Snapshot, want: snapshot.Snapshot) -> None:
    assert (got.version, got.latest) == (want.version, want.latest)
    for name in TABLES:
        assert getattr(got, name) == getattr(want, name), name
    for name in ARRAYS:
        a, b = np.asarray(getattr(got, name)), np.asarray(getattr(want, name))
        assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), name


@st.composite
def loads(draw: st.DrawFn) -> tuple[Network, Network, bool]:
    """A base network, a second load on top of it, and whether to send the base's
    members file again with the second."""
    base, more = Network(), Network()
    n = draw(st.integers(1, 12))
    for i in range(n):
        parent = draw(st.none() | st.integers(0, i - 1)) if i else None
        base.member(f"m{i:02d}", None if parent is None else f"m{parent:02d}",
                    day=draw(st.integers(0, 5)),
                    status=draw(st.sampled_from(["active", "inactive"])))
    members = [f"m{i:02d}" for i in range(n)]
    base.product("tea")
    base.product("pack", entry_package=True)
    who = st.sampled_from(members)
    for k in range(draw(st.integers(0, 5))):
        base.share(f"s{k}", draw(who), draw(st.sampled_from(["tea", "pack"])),
                   day=draw(st.integers(0, 9)))
    shares = [r["share_id"] for r in base.rows["shares"]]
    for k in range(draw(st.integers(0, 8))):
        base.purchase(f"o{k}", product=draw(st.sampled_from(["tea", "pack"])),
                      amount=draw(st.integers(1, 9)) * 100, day=draw(st.integers(0, 9)),
                      buyer=draw(st.none() | who), promoter=draw(st.none() | who),
                      share=draw(st.none() | st.sampled_from(shares)) if shares else None,
                      status=draw(st.sampled_from(STATUSES)))
    for _ in range(draw(st.integers(0, 6))):
        base.trust(draw(who), draw(who), draw(st.floats(0, 1)), day=draw(st.integers(0, 9)))
    for _ in range(draw(st.integers(0, 6))):
        if shares:
            base.click(draw(who), draw(st.sampled_from(shares)), day=draw(st.integers(0, 9)))
    # the second load
    added = [f"{draw(st.sampled_from(['a', 'n', 'z']))}{i:02d}"
             for i in range(draw(st.integers(0, 6)))]  # before, among and after the old ids
    for i, m in enumerate(added):
        parent = draw(st.none() | st.sampled_from(members + added[:i]))
        more.member(m, parent, day=draw(st.integers(3, 9)))
    everyone = members + added
    for m in draw(st.lists(st.sampled_from(members), max_size=3, unique=True)):
        more.member(m, status=draw(st.sampled_from(["active", "banned"])),
                    tier=draw(st.sampled_from(["member", "vip"])), day=1)
    anyone = st.sampled_from(everyone)
    for row in draw(st.lists(st.sampled_from(base.rows["purchases"]), max_size=3,
                             unique_by=lambda r: r["order_id"])) if base.rows["purchases"] else []:
        more.rows["purchases"].append({**row, "status": draw(st.sampled_from(STATUSES))})
    if draw(st.booleans()):
        more.product("pack", entry_package=False)
    for k in range(draw(st.integers(0, 3))):
        more.share(f"t{k}", draw(anyone), "tea", day=draw(st.integers(0, 9)))
    new_shares = shares + [r["share_id"] for r in more.rows["shares"]]
    for _ in range(draw(st.integers(0, 4))):
        if new_shares:
            more.click(draw(anyone), draw(st.sampled_from(new_shares)),
                       day=draw(st.integers(0, 9)))
    for _ in range(draw(st.integers(0, 4))):
        more.trust(draw(anyone), draw(anyone), draw(st.floats(0, 1)),
                   day=draw(st.integers(0, 9)))
    for k in range(draw(st.integers(0, 4))):
        more.purchase(f"q{k}", product="tea", amount=draw(st.integers(1, 9)) * 100,
                      day=draw(st.integers(0, 9)), buyer=draw(st.none() | anyone),
                      promoter=draw(st.none() | anyone),
                      share=draw(st.none() | st.sampled_from(new_shares)) if new_shares else None,
                      status=draw(st.sampled_from(STATUSES)))
    return base, more, draw(st.booleans())


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=loads())
def test_update_equals_build(store: FalkorDBStore, case: tuple[Network, Network, bool]) -> None:
    base, more, resend = case
    store.clear()
    with tempfile.TemporaryDirectory() as out:
        first = load.load_paths(store, base.write(Path(out) / "base"), hasher=HASHER)
        old = snapshot.current(store, store.config.data_dir)
        assert old.version == snapshot.version_of(store)
        paths = more.write(Path(out) / "more")
        if resend:
            paths.append(Path(out) / "base" / "members.csv")
        second = load.load_paths(store, paths or [Path(out) / "base"], hasher=HASHER,
                                 snapshot=False)
    assert first.touched is None or first.touched.base != old.version
    touched = second.touched
    assert touched is not None and not touched.too_many
    assert touched.base == old.version and touched.version == snapshot.version_of(store)
    assert_same(snapshot.update(old, store, touched, page=3), snapshot.build(store))


def test_touched_gives_up_past_its_limit() -> None:
    touched = snapshot.Touched("1-1", limit=3)
    touched.add("members", ["a", "b"])
    touched.add("members", ["a", "b"])  # the same keys count once
    assert not touched.too_many and touched.members == {"a", "b"}
    touched.add("purchases", ["o1", "o2"])
    assert touched.too_many and not touched.members and not touched.purchases
    touched.add("members", ["c"])
    assert not touched.members


def test_a_load_updates_the_snapshot_it_started_from(store: FalkorDBStore, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """load_paths saves the new version's snapshot by updating the last one: no full build."""
    base, more = Network(), Network()
    base.chain("a", "b", "c", day=1)
    base.purchase("o1", product="tea", amount=500, buyer="c", promoter="b")
    more.member("bb", "b", day=3)
    more.purchase("o2", product="tea", amount=700, buyer="bb", promoter="a")
    load.load_paths(store, base.write(tmp_path / "base"), hasher=HASHER)

    def no_build(*args: object, **kwargs: object) -> snapshot.Snapshot:
        raise AssertionError("a full build ran")

    with monkeypatch.context() as m:
        m.setattr(core, "build", no_build)
        m.setattr(update_module, "build", no_build)
        report = load.load_paths(store, more.write(tmp_path / "more"), hasher=HASHER)
        assert report.touched is not None and report.touched.purchases == {"o2"}
        saved = snapshot.snapshot_dir(store, store.config.data_dir, snapshot.version_of(store))
        assert (saved / "meta.json").is_file()
    snapshot.forget()
    assert_same(snapshot.open(saved), snapshot.build(store))
