"""Hostile input through a real load: what is refused reaches quarantine with its reason,
the report balances, and nothing is stored as a guess."""

from __future__ import annotations

import csv
from pathlib import Path

from refnet.graph.falkordb_store import FalkorDBStore
from refnet.loaders import load, privacy
from refnet.loaders.load import LoadReport

HASHER = privacy.keyed_hasher(b"test-key")
HEADER = "member_id,referrer_id,platform,joined_at,status,tier\n"


def run_load(store: FalkorDBStore, tmp_path: Path, *paths: Path) -> LoadReport:
    return load.load_paths(store, list(paths), hasher=HASHER, quarantine_dir=tmp_path)


def bad_rows(report: LoadReport) -> list[dict[str, str]]:
    assert report.quarantine is not None
    with open(report.quarantine, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def balanced(report: LoadReport) -> bool:
    file = report.files[0]
    counts = report.entities["members"]
    return (counts.rows == counts.written + counts.duplicates + counts.quarantined
            and file.records == counts.rows + file.quarantined)


def test_mixed_encoding_rows_are_quarantined_not_stored_as_mojibake(
        store: FalkorDBStore, tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    gb = "".join(f"g{i},,taobao,,active,李四\n" for i in range(3)).encode("gb18030")
    path.write_bytes(HEADER.encode() + gb + "u1,,taobao,,active,会员\n".encode())
    report = run_load(store, tmp_path / "out", path)
    assert [(r["line"], r["code"]) for r in bad_rows(report)] == [("5", "bad_encoding")]
    tiers = store.execute("MATCH (m:Member) RETURN m.id, m.tier ORDER BY m.id").rows
    assert [list(t) for t in tiers] == [["g0", "李四"], ["g1", "李四"], ["g2", "李四"]]
    assert balanced(report)


def test_confusable_ids_and_unknown_statuses_are_quarantined_not_merged(
        store: FalkorDBStore, tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    rows = [
        "m0001,,taobao,,active,",
        "m0001\u200b,,taobao,,active,",  # zero-width space: refused, not a second member
        "m\u041e001,,taobao,,active,",  # Cyrillic О
        "\uff4d0001,,taobao,,active,",  # full-width m
        "m0002\u00a0,m0001,taobao,,active,",  # a trailing no-break space is trimmed
        "m0003,,taobao,,=cmd|' /C calc'!A0,",
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    report = run_load(store, tmp_path / "out", path)
    assert [(r["line"], r["code"]) for r in bad_rows(report)] == [
        ("3", "ambiguous_id"), ("4", "ambiguous_id"), ("5", "ambiguous_id"),
        ("7", "unknown_status"),
    ]
    ids = store.execute("MATCH (m:Member) RETURN m.id ORDER BY m.id").rows
    assert [i for (i,) in ids] == ["m0001", "m0002"]
    assert balanced(report)
