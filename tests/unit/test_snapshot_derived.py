"""Derived arrays: worked out once per snapshot, saved beside its columns, mapped by the
next process; in memory when the snapshot has no directory or it cannot be written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from refnet.queries import snapshot
from refnet.queries.snapshot.columns import ARRAYS, Snapshot


def tiny(ids: list[str] = ["m2", "m1", "m3"]) -> Snapshot:  # noqa: B006 (never mutated)
    """Three members in preorder and no events: the columns derived arrays read here."""
    arrays = {name: np.zeros(0, dtype=np.int32) for name in ARRAYS}
    arrays["ids"] = np.array(ids)
    arrays["id_order"] = np.argsort(arrays["ids"]).astype(np.int32)
    return Snapshot(version="1-1", latest=None, statuses=(), member_statuses=(), tiers=(),
                    channels=(), **arrays)


class Counting:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, snap: Snapshot) -> dict[str, np.ndarray]:
        self.calls += 1
        return {"double": np.arange(snap.members, dtype=np.int64) * 2,
                "empty": np.zeros(0, dtype=np.int8)}


def test_saved_once_and_mapped_by_the_next_process(tmp_path: Path) -> None:
    home = snapshot.save(tiny(), tmp_path / "v1")
    compute = Counting()
    first = snapshot.derived(snapshot.open(home), "test.double.1", compute)
    assert compute.calls == 1
    assert first["double"].tolist() == [0, 2, 4] and first["empty"].dtype == np.int8
    assert (home / "derived" / "test.double.1" / "double.npy").is_file()
    # another process maps the snapshot: it reads the saved arrays, read-only
    again = snapshot.derived(snapshot.open(home), "test.double.1", compute)
    assert compute.calls == 1
    assert isinstance(again["double"], np.memmap) and not again["double"].flags.writeable
    assert again["double"].tolist() == [0, 2, 4]


def test_kept_per_snapshot_in_memory_when_it_has_no_directory() -> None:
    snap, compute = tiny(), Counting()
    a = snapshot.derived(snap, "test.double.1", compute)
    b = snapshot.derived(snap, "test.double.1", compute)
    assert compute.calls == 1 and a["double"] is b["double"]
    snapshot.derived(tiny(), "test.double.1", compute)  # another snapshot: its own
    assert compute.calls == 2


def test_a_directory_that_cannot_be_written_keeps_them_in_memory(tmp_path: Path) -> None:
    home = snapshot.save(tiny(), tmp_path / "v1")
    (home / "derived").write_text("in the way")  # as root, a file blocks where chmod would not
    compute = Counting()
    snap = snapshot.open(home)
    got = snapshot.derived(snap, "test.double.1", compute)
    assert got["double"].tolist() == [0, 2, 4] and not isinstance(got["double"], np.memmap)
    snapshot.derived(snap, "test.double.1", compute)
    assert compute.calls == 1  # kept in the process


def test_the_first_rename_wins(tmp_path: Path) -> None:
    """Two processes computing at once: the loser maps the winner's arrays."""
    home = snapshot.save(tiny(), tmp_path / "v1")
    winner = home / "derived" / "test.double.1"

    def racing(snap: Snapshot) -> dict[str, np.ndarray]:
        winner.mkdir(parents=True)
        np.save(winner / "double.npy", np.array([7, 7, 7]))
        return {"double": np.array([0, 2, 4])}

    assert snapshot.derived(snapshot.open(home), "test.double.1", racing)["double"].tolist() \
        == [7, 7, 7]
    assert [p.name for p in winner.parent.iterdir()] == ["test.double.1"]  # no leftovers


def test_id_rank_is_each_positions_place_in_id_order(tmp_path: Path) -> None:
    snap = snapshot.open(snapshot.save(tiny(["m2", "m1", "m3"]), tmp_path / "v1"))
    assert snapshot.id_rank(snap).tolist() == [1, 0, 2]


@pytest.mark.parametrize("name", ["", "Test.x", "a/b", "../x", "a..b", "a b"])
def test_names_are_dotted_lowercase_words(name: str) -> None:
    with pytest.raises(ValueError, match="dotted lowercase"):
        snapshot.derived(tiny(), name, Counting())


def test_array_names_are_lowercase_words(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="lowercase word"):
        snapshot.derived(tiny(), "test.bad.1", lambda s: {"../up": np.zeros(1)})
