"""The products: ordinary ones in a few categories, and the entry packages (the
recruitment-fee signal compliance looks for) that organizations sell through joining."""

from __future__ import annotations

from typing import Final

import numpy as np

from .tables import Forest, Products

__all__ = ["CATEGORIES", "ENTRY_BUY_P", "draw_products"]

CATEGORIES: Final = ("beauty", "food", "baby", "home", "health")
CATEGORY_P: Final = (0.30, 0.25, 0.15, 0.15, 0.15)
NOUNS: Final = {
    "beauty": ("serum", "face mask", "lipstick", "toner", "sunscreen", "eye cream"),
    "food": ("oolong tea", "honey", "mixed nuts", "rice noodles", "dried mango", "coffee"),
    "baby": ("diapers", "formula", "wet wipes", "baby lotion", "teether"),
    "home": ("detergent", "towel set", "storage box", "mop", "air freshener"),
    "health": ("vitamin C", "probiotic", "collagen drink", "fish oil", "protein powder"),
}
ADJECTIVES: Final = ("classic", "premium", "organic", "family size", "travel", "deluxe", "mini")
# (name, price in fen, category): the entry-fee signal of DESIGN.md (a 425-yuan gift pack).
ENTRY_PACKS: Final = (
    ("VIP gift pack 礼包", 42_500, "beauty"),
    ("starter box 创业礼包", 39_900, "health"),
    ("partner pack 合伙人礼包", 99_900, "beauty"),
    ("shopkeeper pack 店主礼包", 69_900, "health"),
    ("trial pack 体验礼包", 19_900, "beauty"),
    ("leader pack 团长礼包", 199_900, "health"),
)
ENTRY_ORG_SHARE: Final = 0.6  # orgs (besides the biggest, which always does) selling one
ENTRY_BUY_P: Final = 0.3  # a new member of such an org buys it right after joining
ENTRY_RATE: Final = 0.30  # the recruitment reward on an entry package
MEDIAN_PRICE: Final = 7_900  # fen; prices are lognormal around it


def draw_products(f: Forest, rng: np.random.Generator) -> Products:
    """max(40, members/250) products in a few categories; a handful are entry packages.

    Prices are heavy-tailed (lognormal, rounded to x.90 yuan). Shares and direct orders
    pick ordinary products by a Zipf popularity; entry packages are sold through joining
    only. The biggest org sells the 425-yuan gift pack, most others one pack or another.
    """
    n = max(40, len(f.org) // 250)
    n_entry = min(len(ENTRY_PACKS), 3 + n // 1000)
    category = rng.choice(len(CATEGORIES), size=n, p=CATEGORY_P)
    raw = rng.lognormal(np.log(MEDIAN_PRICE), 1.0, n)
    price = np.maximum(990, np.round(raw / 100).astype(np.int64) * 100 - 10)
    adjective = rng.integers(0, len(ADJECTIVES), n).tolist()
    noun = rng.random(n).tolist()
    names = []
    for a, x, c in zip(adjective, noun, category.tolist(), strict=True):
        nouns = NOUNS[CATEGORIES[c]]
        names.append(f"{ADJECTIVES[a]} {nouns[int(x * len(nouns))]}")
    entry = np.arange(n) < n_entry
    for i, (name, pack_price, pack_category) in enumerate(ENTRY_PACKS[:n_entry]):
        names[i], price[i], category[i] = name, pack_price, CATEGORIES.index(pack_category)
    rate = np.where(entry, ENTRY_RATE, np.round(rng.uniform(0.05, 0.30, n), 2))
    popularity = np.zeros(n)
    popularity[n_entry:] = (rng.permutation(n - n_entry) + 1.0) ** -1.1
    popularity /= popularity.sum()

    pack = rng.integers(0, n_entry, f.n_orgs)
    sells = rng.random(f.n_orgs) < ENTRY_ORG_SHARE
    sells[:1], pack[:1] = True, 0
    return Products(category, np.array(names, dtype=object), price, rate, entry, popularity,
                    np.where(sells, pack, -1))
