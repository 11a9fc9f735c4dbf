"""Hand-built networks for question tests, loaded through the real loader.

A test lists members, trust, products, shares, clicks and purchases as plain Python
values; ``Network.load`` writes them as the canonical CSV files and runs
``refnet load`` on them, so the graph a question sees is exactly what a user's load
would make. Times are given in days after ``T0`` (2026-01-01 UTC) to keep tests
readable; money in fen.

    net = Network()
    net.member("root")
    net.member("a", referrer="root", day=1)
    net.purchase("o1", buyer="a", product="p", promoter="root", day=3, amount=10_000)
    net.load(store, tmp_path)
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refnet.graph.store import GraphStore
from refnet.loaders import canonical, load, privacy
from refnet.loaders.load import LoadReport

__all__ = ["DAY", "T0", "Network", "at"]

T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z in epoch ms
DAY = 86_400_000
HASHER = privacy.keyed_hasher(b"test-key")


def at(day: float) -> int:
    """Epoch ms ``day`` days after T0."""
    return T0 + int(day * DAY)


@dataclass
class Network:
    """Rows per canonical file, added one call at a time."""

    rows: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {f.entity: [] for f in canonical.FILES}
    )

    def member(self, member_id: str, referrer: str | None = None, *, day: float = 0,
               platform: str = "taobao", status: str = "active", tier: str = "member",
               left: float | None = None) -> None:
        """``left``: the day the member formally left the organization."""
        self.rows["members"].append({
            "member_id": member_id, "referrer_id": referrer, "platform": platform,
            "joined_at": at(day), "status": status, "tier": tier,
            "left_at": None if left is None else at(left),
        })

    def chain(self, *ids: str, day: float = 0) -> None:
        """Members each recruited by the one before (the first is a root if new)."""
        known = {r["member_id"] for r in self.rows["members"]}
        for i, member_id in enumerate(ids):
            if member_id not in known:
                self.member(member_id, ids[i - 1] if i else None, day=day + i)

    def account(self, member_id: str, platform: str, account_id: str) -> None:
        self.rows["accounts"].append(
            {"member_id": member_id, "platform": platform, "account_id": account_id})

    def trust(self, src: str, dst: str, weight: float, *, day: float = 0,
              source: str = "contact") -> None:
        self.rows["trust"].append({"src_id": src, "dst_id": dst, "weight": weight,
                                   "since": at(day), "source": source})

    def product(self, product_id: str, *, price: int = 10_000, entry_package: bool = False,
                category: str = "general") -> None:
        self.rows["products"].append({
            "product_id": product_id, "name": product_id, "category": category,
            "price": price, "entry_package": entry_package,
        })

    def share(self, share_id: str, promoter: str, product: str, *, day: float = 0,
              channel: str = "wechat_group") -> None:
        self.rows["shares"].append({"share_id": share_id, "promoter_id": promoter,
                                    "product_id": product, "at": at(day), "channel": channel})

    def click(self, viewer: str, share_id: str, *, day: float = 0) -> None:
        self.rows["clicks"].append({"viewer_id": viewer, "share_id": share_id, "at": at(day)})

    def purchase(self, order_id: str, *, product: str, amount: int, day: float = 0,
                 buyer: str | None = None, promoter: str | None = None,
                 share: str | None = None, commission: int | None = None,
                 status: str = "paid") -> None:
        if not any(p["product_id"] == product for p in self.rows["products"]):
            self.product(product)
        self.rows["purchases"].append({
            "order_id": order_id, "buyer_id": buyer, "product_id": product,
            "promoter_id": promoter, "share_id": share, "at": at(day), "amount": amount,
            "commission": commission, "status": status,
        })

    def write(self, out: Path) -> list[Path]:
        """The canonical CSV files for every entity that has rows."""
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for f in canonical.FILES:
            rows = self.rows[f.entity]
            if not rows:
                continue
            path = out / f.filename
            with open(path, "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(f.header)
                for row in rows:
                    writer.writerow([_cell(row.get(c.name), c.kind) for c in f.columns])
            written.append(path)
        return written

    def load(self, store: GraphStore, out: Path) -> LoadReport:
        """Write the files and load them; a test graph must load without a bad row."""
        report = load.load_paths(store, self.write(out), hasher=HASHER)
        assert report.bad == 0, f"the hand-built network has bad rows: {report.quarantine}"
        return report


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "time":
        return canonical.format_time(value)
    if kind == "bool":
        return "true" if value else "false"
    return str(value)
