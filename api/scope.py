"""What one API key may see: everything, or one member's downline.

An organizer's key is bound to a member M and sees M's downline (M included) and
the events inside it, and nothing else. Every resolver that names a member asks
``scope.check(id)``; edges that lead out of the downline (M's own referrer, trust to
an outsider, the promoter of a purchase made elsewhere) are dropped by
``scope.allows``. A member outside the scope and a member that does not exist give
the same ``FORBIDDEN``, so a key cannot probe which ids exist elsewhere.

Membership is decided by walking up from the member (``downline/upline``: one
referrer per member, so the walk is as long as the chain, not the downline) and is
cached for the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from refnet.graph.errors import Forbidden
from refnet.graph.store import GraphStore
from refnet.graph.text import shown

from .keys import ApiKey

__all__ = ["Scope"]


@dataclass
class Scope:
    key: ApiKey
    store: GraphStore
    _seen: dict[str, bool] = field(default_factory=dict, repr=False)

    @property
    def everything(self) -> bool:
        return self.key.role in ("admin", "compliance")

    @property
    def root(self) -> str | None:
        """The member whose downline the key sees; None when it sees everything."""
        return None if self.everything else self.key.member_id

    def allows(self, member_id: str | None) -> bool:
        if member_id is None:
            return False
        if self.everything or member_id == self.key.member_id:
            return True
        if member_id not in self._seen:
            chain = self.store.run("downline/upline", {"id": member_id}).scalar() or []
            self._seen[member_id] = self.key.member_id in chain
        return self._seen[member_id]

    def check(self, member_id: str) -> None:
        """Raise ``Forbidden`` unless the key may see this member."""
        if not self.allows(member_id):
            raise Forbidden(f"member {shown(member_id)} is outside this key's scope "
                            f"({self.key.scope})")

    def require(self, *roles: str) -> None:
        """Raise ``Forbidden`` unless the key has one of ``roles``."""
        if self.key.role not in roles:
            needed = " or ".join(roles)
            article = "an" if needed[0] in "aeiou" else "a"
            raise Forbidden(f"this needs {article} {needed} key; this key is {self.key.role}")
