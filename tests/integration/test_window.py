"""The default "as of": the newest event the store holds, not the wall clock."""

from __future__ import annotations

from pathlib import Path

from refnet.graph.falkordb_store import FalkorDBStore
from refnet.queries import snapshot, window
from tests.graphs import Network, at
from tests.oracle import window as oracle


def test_latest_event_is_none_for_an_empty_graph(store: FalkorDBStore) -> None:
    assert window.latest_event(store) is None


def test_latest_event_takes_the_newest_join_share_click_or_purchase(
    store: FalkorDBStore, tmp_path: Path
) -> None:
    net = Network()
    net.chain("r", "a", "b")  # joins on days 0, 1, 2
    net.product("p")
    net.share("s1", "a", "p", day=4)
    net.click("b", "s1", day=9)
    net.purchase("o1", product="p", amount=1_000, buyer="b", promoter="a", share="s1", day=6)
    net.load(store, tmp_path)
    assert window.latest_event(store) == at(9)
    w = window.resolve(store, days=7)
    assert (w.start, w.end) == (at(2), at(9))
    assert window.resolve(store, as_of=at(5), since=at(1)) == window.Window(at(1), at(5))


def test_the_latest_event_comes_from_the_snapshot_until_the_next_load(
        store: FalkorDBStore, tmp_path: Path) -> None:
    first = Network()
    first.member("a", day=1)
    first.load(store, tmp_path / "one")
    assert window.latest_event(store) == oracle.latest_event(store) == at(1)
    calls = []
    real = store.run

    def counting(name: str, *args: object, **kwargs: object) -> object:
        calls.append(name)
        return real(name, *args, **kwargs)

    store.run = counting  # type: ignore[method-assign]
    assert window.latest_event(store) == at(1)
    assert calls == ["window/version"]  # no scan: the snapshot holds it
    store.run = real  # type: ignore[method-assign]
    later = Network()
    later.member("b", day=5)
    later.load(store, tmp_path / "two")
    assert window.latest_event(store) == oracle.latest_event(store) == at(5)
    # a write behind the loader's back makes no new version: seen after a rebuild
    store.execute("CREATE (:Member {id: 'c', joined_at: $t})", {"t": at(7)}, write=True)
    assert window.latest_event(store) == at(5)
    snapshot.current(store, store.config.data_dir, rebuild=True)
    assert window.latest_event(store) == oracle.latest_event(store) == at(7)
