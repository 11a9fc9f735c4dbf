"""Which rows of a load are proven new, so they can be written create-only.

Checking that an element is not in the graph yet (``OPTIONAL MATCH`` or ``MERGE``,
then ``CREATE``) is most of the server's work on a load into an empty graph. A row
needs no check when both hold:

- its kind of element (the ``Member`` label, the ``CLICKED`` type, ...) had nothing
  in the graph when the load started (``load/empty_kinds``, asked once per load);
- its key has not come up earlier in this load.

"Earlier in this load" is kept in a Bloom filter sized once, from the bytes of the
files, so memory stays flat while the load runs. A false positive only sends a row
down the checking path; there are no false negatives. A load killed and run again finds the
kinds no longer empty and checks every row, so resuming stays exact; a load that
finds another one running (its heartbeat under a minute old: see ``heartbeat``)
checks every row too, and the create-only queries write nothing while another load
runs (see ``write.write_entity``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from refnet.graph.store import GraphStore

__all__ = ["CREATE_ONLY", "Fresh", "bits_for"]

# The entities that have a create-only query (``load/<entity>_new``), or (referrals)
# rows that skip the rule checks; each is a column of ``load/empty_kinds``. Products are
# too few to matter. Referrals also keep the members seen as referrers ("referrers").
CREATE_ONLY = ("members", "accounts", "trust", "shares", "clicks", "purchases", "referrals")

BITS = 1 << 26  # 8 MiB, when the caller does not say how many keys to expect
HASHES = 4
BITS_PER_KEY = 12  # with 4 hashes: under 0.1% false positives at 22 bits per actual key
MIN_BITS, MAX_BITS = 1 << 23, 1 << 31  # 1 MiB .. 256 MiB


def bits_for(keys: int) -> int:
    """A filter size for about ``keys`` keys: a power of two, 1 MiB to 256 MiB.

    A fixed 8 MiB filter gave about 3% false positives over a 1M-member load (12M
    keys), and the checking queries those rows took cost more server time than any
    create-only query but two (83 of 462 s).
    """
    return max(MIN_BITS, min(MAX_BITS, 1 << (keys * BITS_PER_KEY).bit_length()))


class Fresh:
    """Splits batches into rows proven new and rows that may already be in the graph."""

    def __init__(self, entities: Iterable[str], bits: int = BITS, hashes: int = HASHES) -> None:
        if bits & (bits - 1):
            raise ValueError("bits must be a power of two")
        self.entities = frozenset(entities)  # kinds that were empty at the start
        self._mask = np.uint64(bits - 1)
        self._hashes = hashes
        self._bits = np.zeros(bits // 8, dtype=np.uint8) if self.entities else None
        self._lock = threading.Lock()  # the loader splits while its writer adds stubs

    @classmethod
    def at_start(cls, store: GraphStore, load_id: str, keys: int | None = None) -> Fresh:
        """Ask the graph which kinds are empty; none count while another load runs.

        Call it after this load is recorded as running: of two loads starting at
        once, each then sees the other, and neither writes create-only. ``keys``,
        about how many rows the load holds, sizes the filter (``bits_for``).
        """
        state = store.run("load/empty_kinds", {"load_id": load_id}).single()
        if state["others"]:
            return cls(())
        empty = [e for e in CREATE_ONLY if state[e]]
        if "referrals" in empty:
            empty.append("referrers")
        return cls(empty, BITS if keys is None else bits_for(keys))

    def split(self, entity: str, keys: Sequence[tuple[Any, ...]]) -> np.ndarray:
        """Which of these keys (all different) are new; every key is remembered as seen.

        Returns a boolean mask in the order of ``keys``.
        """
        if entity not in self.entities or not keys:
            return np.zeros(len(keys), dtype=bool)
        byte, bit = self._positions(entity, keys)
        with self._lock:
            seen = np.logical_and.reduce((self._bits[byte] & bit) != 0, axis=0)
            np.bitwise_or.at(self._bits, byte.ravel(), bit.ravel())
        return ~seen

    def add(self, entity: str, keys: Sequence[tuple[Any, ...]]) -> None:
        """Remember keys written by other paths (stub members and accounts)."""
        self.split(entity, keys)

    def _positions(self, entity: str, keys: Sequence[tuple[Any, ...]]
                   ) -> tuple[np.ndarray, np.ndarray]:
        """Byte index and bit mask of each key's ``HASHES`` filter positions (double hashing)."""
        hashes = np.fromiter((hash((entity, *key)) for key in keys), dtype=np.int64,
                             count=len(keys)).view(np.uint64)
        step = (hashes >> np.uint64(32)) | np.uint64(1)
        rounds = np.arange(self._hashes, dtype=np.uint64)[:, None]
        positions = (hashes + rounds * step) & self._mask
        return positions >> np.uint64(3), (np.uint8(1) << (positions & np.uint64(7)).astype(
            np.uint8))
