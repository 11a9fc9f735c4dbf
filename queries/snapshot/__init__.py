"""The analytic snapshot: one data version of the graph as typed numpy columns.

Questions over whole subtrees read columns, not Cypher (DESIGN.md, "the store"). The
referral forest is stored in preorder (depth first, roots and children in id order),
so a member's downline is the contiguous slice ``[pos, pos + size[pos])`` and "is p an
ancestor of b, how many levels" is two comparisons and a depth difference. Purchases
are sorted by promoter position, so a downline's sales are one slice as well.

* ``columns.Snapshot`` holds the columns; ``forest`` puts the referral forest in
  preorder (vectorised, level by level).
* ``build(store)`` reads the store through the store protocol, page by page
  (``build``: members in id-range pages, their edges by ranges of member ids, shares
  and purchases; never one query that nears the 1M-row cap), on either backend.
* ``save(snapshot, dir)`` writes one ``.npy`` per column and ``meta.json``;
  ``open(dir)`` maps them read-only (``np.load(mmap_mode="r")``), so every process
  shares one copy through the page cache.
* ``current(store, data_dir)`` maps the snapshot of the store's current data version
  (``window/version``: load runs and the latest one's change), building and saving it
  first when there is none: under ``<data_dir>/snapshots/<graph>/f<format>/<version>/``, written
  to a temporary directory and renamed, so no reader sees half a snapshot. Writes that
  bypass the loader do not change the version (as for ``remembered_latest``); a data
  dir that cannot be written keeps the snapshot in memory. Each process keeps what it
  mapped per version, so a question pays one ``window/version`` read.
* ``derived(snap, name, compute)`` keeps arrays a question works out from a snapshot
  once (conversion's time-ordered events, ``id_rank``, ``buyers_sorted``) beside its
  columns, mapped by every process like them.
* ``update(old, store, touched)``: after a load, the snapshot from the one before it
  and the keys the load placed (``Touched``, recorded by the loader), read again by
  id lists; the same assembly as ``build``, so the same columns (see ``update``).

Every snapshot carries its ``version``, so an answer can name the data it came from.
"""

from .build import PAGE, build
from .columns import NONE, Snapshot, version_of
from .core import current, forget, open, save, snapshot_dir, touched_from
from .derived import buyers_sorted, derived, id_rank
from .update import Touched, update

__all__ = ["NONE", "PAGE", "Snapshot", "Touched", "build", "buyers_sorted", "current", "derived",
           "forget", "id_rank", "open", "save", "snapshot_dir", "touched_from", "update",
           "version_of"]
