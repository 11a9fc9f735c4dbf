"""API keys against a real embedded store: shown once, stored hashed, scoped, revocable."""

from __future__ import annotations

from pathlib import Path

import pytest

from refnet.api import keys
from refnet.graph.errors import BadInput, NotFound, Unauthenticated
from refnet.graph.falkordb_store import FalkorDBStore
from tests.graphs import Network


@pytest.fixture
def team(store: FalkorDBStore, tmp_path: Path) -> FalkorDBStore:
    net = Network()
    net.chain("boss", "lead", "seller")
    net.load(store, tmp_path)
    return store


def test_a_token_authenticates_as_its_key_and_only_a_hash_is_stored(team: FalkorDBStore) -> None:
    new = keys.create(team, "organizer", member_id="lead", name="team lead")
    assert new.token.startswith(f"rn_{new.key.id}_")
    key = keys.authenticate(team, new.token)
    assert key == new.key
    assert (key.role, key.member_id, key.scope) == ("organizer", "lead", "downline of lead")
    stored = team.execute("MATCH (k:ApiKey) RETURN properties(k)").rows[0][0]
    secret = new.token.split("_", 2)[2]
    assert secret not in str(stored) and new.token not in str(stored)
    assert len(stored["hash"]) == 64


@pytest.mark.parametrize("token", [
    None, "", "Bearer x", "rn_short", "rn_000000000000_" + "A" * 43,
])
def test_missing_malformed_or_unknown_tokens_are_refused(team: FalkorDBStore, token) -> None:
    keys.create(team, "admin")
    with pytest.raises(Unauthenticated):
        keys.authenticate(team, token)


def test_a_wrong_secret_reads_like_an_unknown_key(team: FalkorDBStore) -> None:
    new = keys.create(team, "compliance")
    forged = new.token[:-1] + ("A" if new.token[-1] != "A" else "B")
    with pytest.raises(Unauthenticated, match=r"^unknown API key$"):
        keys.authenticate(team, forged)


def test_revoked_keys_stop_working_and_stay_listed(team: FalkorDBStore) -> None:
    new = keys.create(team, "admin", name="ops")
    first = keys.revoke(team, new.key.id)
    assert first.revoked_at is not None
    assert keys.revoke(team, new.key.id).revoked_at == first.revoked_at  # keeps the first time
    with pytest.raises(Unauthenticated, match="revoked"):
        keys.authenticate(team, new.token)
    listed = keys.list_keys(team)
    assert [k.id for k in listed] == [new.key.id] and not listed[0].active
    assert keys.list_keys(team, include_revoked=False) == []


def test_roles_and_scope_are_checked_when_a_key_is_made(team: FalkorDBStore) -> None:
    with pytest.raises(BadInput, match="unknown role"):
        keys.create(team, "root")
    with pytest.raises(BadInput, match="needs --member"):
        keys.create(team, "organizer")
    with pytest.raises(NotFound, match="nobody"):
        keys.create(team, "organizer", member_id="nobody")
    with pytest.raises(BadInput, match="takes no member"):
        keys.create(team, "admin", member_id="lead")
    with pytest.raises(NotFound):
        keys.revoke(team, "000000000000")


def test_clearing_the_network_keeps_the_keys(team: FalkorDBStore) -> None:
    new = keys.create(team, "admin")
    team.clear()
    assert team.execute("MATCH (m:Member) RETURN count(m)").rows[0][0] == 0
    assert keys.authenticate(team, new.token).id == new.key.id
