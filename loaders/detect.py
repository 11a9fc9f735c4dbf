"""Which profile reads a file: match a header against every profile's ``detect`` columns.

``detect`` picks the matching profile with the most ``detect`` columns, then the one that
reads more of the header's columns; a tie after that, or no match at all, is an error
that says what to do (name a profile, or which columns the closest profiles miss).
"""

from __future__ import annotations

from collections.abc import Mapping

from refnet.graph.errors import BadInput

from .profiles import Profile, norm_header

__all__ = ["detect"]


def detect(header: list[str], profiles: Mapping[str, Profile]) -> Profile:
    """The profile whose ``detect`` set matches with the most columns.

    Equal counts are settled by how many of the header's columns each profile reads (a
    canonical purchases.csv also holds every column shares.csv requires); a tie after that
    is ``BadInput`` naming both (pick one by name). No match: ``BadInput`` listing
    the closest profiles and the columns they miss.
    """
    present = {norm_header(h) for h in header}

    def rank(p: Profile) -> tuple[int, int]:
        return len(p.detect_columns), len(present & set(p.known_columns()))

    matching = sorted((p for p in profiles.values() if p.matches(header)),
                      key=lambda p: (tuple(-n for n in rank(p)), p.name))
    if matching:
        best = matching[0]
        tied = [p.name for p in matching if rank(p) == rank(best)]
        if len(tied) > 1:
            raise BadInput(f"the header matches profiles {', '.join(tied)} equally well; "
                             "choose one by name")
        return best
    ranked = sorted(
        profiles.values(),
        key=lambda p: (len(p.missing(header)) / len(p.detect_columns), len(p.missing(header)),
                       p.name),
    )
    closest = "; ".join(f"{p.name} misses {', '.join(p.missing(header))}" for p in ranked[:3])
    shown = ", ".join(norm_header(h) for h in header[:12]) + (", ..." if len(header) > 12 else "")
    raise BadInput(f"no profile matches the header [{shown}]; closest: {closest}")
