"""The GraphQL API through a real server: ``refnet serve`` (gunicorn) on loopback, asked
with a real GraphQL client (gql over requests), on a loaded synthetic network.

Scope is checked as a property: for random organizers and random member ids, nothing
outside the organizer's downline ever appears in a response.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import requests
from gql import Client, gql
from gql.transport.requests import RequestsHTTPTransport
from graphql import print_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refnet.api import casefile, keys
from refnet.api.names import is_money
from refnet.api.schema import schema
from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.loaders import load
from refnet.queries import compliance, conversion, downline, influence, snapshot, window
from refnet.queries.compliance import policy
from tests.conftest import served_store
from tests.graphs import HASHER
from tests.hostile import HOSTILE, INTROSPECTION, MUTATION
from tests.serving import serving

REPO = Path(__file__).resolve().parents[2]


class Api:
    """A running ``refnet serve`` and the tokens of keys made for the tests."""

    def __init__(self, url: str, config: Config, tree: nx.DiGraph) -> None:
        self.url, self.config, self.tree = url, config, tree
        self.tokens: dict[str, str] = {}

    def token(self, role: str, member: str | None = None) -> str:
        name = f"{role}:{member}"
        if name not in self.tokens:
            with open_store(self.config) as store:
                self.tokens[name] = keys.create(store, role, member_id=member).token
        return self.tokens[name]

    def post(self, query: str, token: str | None, variables: dict | None = None
             ) -> tuple[int, dict[str, Any]]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        r = requests.post(self.url, json={"query": query, "variables": variables},
                          headers=headers, timeout=30)
        return r.status_code, r.json()

    def client(self, token: str) -> Client:
        transport = RequestsHTTPTransport(url=self.url, timeout=30,
                                          headers={"Authorization": f"Bearer {token}"})
        return Client(transport=transport, fetch_schema_from_transport=False)

    def downline(self, member: str) -> set[str]:
        return {member} | nx.descendants(self.tree, member)


@pytest.fixture(scope="module")
def api(backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
        network_dir: Path) -> Iterator[Api]:
    """``refnet serve`` over the synthetic network, on each backend."""
    with served_store(backend, request, tmp_path_factory.mktemp("api-data")) as config:
        with open_store(config) as store:
            load.load_paths(store, [network_dir], hasher=HASHER)
        with open(network_dir / "members.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        tree = nx.DiGraph()
        tree.add_nodes_from(r["member_id"] for r in rows)
        tree.add_edges_from((r["referrer_id"], r["member_id"]) for r in rows
                            if r["referrer_id"])
        with serving(config) as url:
            yield Api(f"{url}/graphql", config, tree)


def ask(client: Client, text: str, **variables: Any) -> dict[str, Any]:
    """Run a query with the gql client (variables set on the request, as gql 4 wants)."""
    request = gql(text)
    request.variable_values = variables or None
    return client.execute(request)


def codes(body: dict[str, Any]) -> set[str]:
    return {e["extensions"]["code"] for e in body.get("errors", [])}


def organizers(api: Api) -> list[str]:
    """Members with a downline of a useful size, for scope tests."""
    return sorted(m for m in api.tree if 3 <= len(nx.descendants(api.tree, m)) <= 400)


# -- access --------------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic abc", "Bearer "])
def test_no_key_or_a_bad_one_is_401_before_any_query_runs(api: Api, header: str | None) -> None:
    r = requests.post(api.url, json={"query": "{ me { role } }"},
                      headers={"Authorization": header} if header else {}, timeout=10)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert codes(r.json()) == {"UNAUTHENTICATED"} and r.json()["data"] is None


def test_a_revoked_key_is_401(api: Api) -> None:
    with open_store(api.config) as store:
        new = keys.create(store, "admin")
        keys.revoke(store, new.key.id)
    status, body = api.post("{ me { role } }", new.token)
    assert status == 401 and "revoked" in body["errors"][0]["message"]


def test_me_says_who_the_key_belongs_to(api: Api) -> None:
    org = organizers(api)[0]
    result = ask(api.client(api.token("organizer", org)), "{ me { role memberId scope keyId } }")
    assert result["me"]["role"] == "ORGANIZER" and result["me"]["memberId"] == org
    assert result["me"]["scope"] == f"downline of {org}"
    admin = ask(api.client(api.token("admin")), "{ me { role scope memberId } }")
    assert admin["me"] == {"role": "ADMIN", "scope": "everything", "memberId": None}


# -- values --------------------------------------------------------------------------------


def test_member_matches_the_network(api: Api) -> None:
    root = max(api.tree, key=lambda m: len(nx.descendants(api.tree, m)))
    child = sorted(api.tree.successors(root))[0]
    result = ask(api.client(api.token("compliance")), """
        query($id: ID!) { member(id: $id) {
          id recruits referrer { id } upline { id }
          children(first: 100) { edges { node { id } } pageInfo { hasNextPage } }
        } }""", id=child)
    m = result["member"]
    assert m["id"] == child and m["referrer"] == {"id": root}
    assert m["recruits"] == api.tree.out_degree(child)
    assert [u["id"] for u in m["upline"]] == nx.shortest_path(
        api.tree, _root_of(api.tree, child), child)
    assert sorted(e["node"]["id"] for e in m["children"]["edges"]) == sorted(
        api.tree.successors(child))[:100]


def test_cursors_page_through_every_member_exactly_once(api: Api) -> None:
    client = api.client(api.token("admin"))
    seen: list[str] = []
    after = None
    page = """query($after: String) { members(first: 100, after: $after, orderBy: JOINED_AT) {
        edges { node { id joinedAt } } pageInfo { hasNextPage endCursor } } }"""
    times: list[str] = []
    while True:
        conn = ask(client, page, after=after)["members"]
        seen += [e["node"]["id"] for e in conn["edges"]]
        times += [e["node"]["joinedAt"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == api.tree.number_of_nodes()
    assert times == sorted(times)  # orderBy: JOINED_AT orders by join time


def test_members_filters(api: Api) -> None:
    client = api.client(api.token("admin"))
    result = ask(client, '{ members(first: 100, idPrefix: "m00") { edges { node { id } } } }')
    ids = [e["node"]["id"] for e in result["members"]["edges"]]
    assert ids == sorted(m for m in api.tree if m.startswith("m00"))[:100]


def test_load_runs_are_listed_for_admins_only(api: Api) -> None:
    runs = ask(api.client(api.token("admin")), "{ loadRuns { id status counts } }")
    assert runs["loadRuns"][0]["status"] == "finished"
    _, body = api.post("{ loadRuns { id } }", api.token("organizer", organizers(api)[0]))
    assert codes(body) == {"FORBIDDEN"}


# -- scope -----------------------------------------------------------------------------------


MEMBER_QUERY = """query($id: ID!) { member(id: $id) {
  id referrer { id } upline { id } children(first: 100) { edges { node { id } } }
  trusts { member { id } } trustedBy { member { id } }
  purchases(first: 20) { edges { node { id promoterId } } }
} }"""


MEMBER_ID = re.compile(r"^m\d{4}$")  # the synthetic network's member ids


def _ids(value: Any) -> set[str]:
    """Every member id anywhere in a response: fields, evidence chains, lists, keys."""
    if isinstance(value, dict):
        return set().union(*(_ids(v) for v in value.values()), set())
    if isinstance(value, list):
        return set().union(*(_ids(v) for v in value), set())
    return {value} if isinstance(value, str) and MEMBER_ID.match(value) else set()


def _ask_as_random_organizer(api: Api, data: st.DataObject, query: str
                             ) -> tuple[str, set[str], str, int, dict[str, Any]]:
    """A random organizer asks about a member inside its downline or anywhere at all."""
    org = data.draw(st.sampled_from(organizers(api)), label="organizer")
    inside = api.downline(org)
    target = data.draw(st.one_of(st.sampled_from(sorted(inside)),
                                 st.sampled_from(sorted(api.tree))), label="member")
    status, body = api.post(query, api.token("organizer", org), {"id": target})
    return org, inside, target, status, body


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_organizer_sees_its_downline_and_nothing_else(api: Api, data: st.DataObject) -> None:
    org, inside, target, status, body = _ask_as_random_organizer(api, data, MEMBER_QUERY)
    assert status == 200
    if target in inside:
        assert "errors" not in body, body
        assert body["data"]["member"]["id"] == target
    else:
        assert codes(body) == {"FORBIDDEN"} and body["data"]["member"] is None
    leaked = _ids(body["data"]) - inside
    assert not leaked, f"{org}'s key saw {sorted(leaked)[:5]} outside its downline"


def test_an_organizers_members_list_is_exactly_its_downline(api: Api) -> None:
    org = organizers(api)[-1]
    client = api.client(api.token("organizer", org))
    seen, after = set(), None
    while True:
        conn = ask(client, """query($after: String) { members(first: 100, after: $after)
            { edges { node { id } } pageInfo { hasNextPage endCursor } } }""",
                   after=after)["members"]
        seen |= {e["node"]["id"] for e in conn["edges"]}
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert seen == api.downline(org)


def test_a_cursor_from_elsewhere_does_not_widen_the_scope(api: Api) -> None:
    org = organizers(api)[0]
    admin_page = ask(api.client(api.token("admin")),
                     "{ members(first: 5) { pageInfo { endCursor } } }")
    cursor = admin_page["members"]["pageInfo"]["endCursor"]
    status, body = api.post("query($c: String) { members(first: 100, after: $c) "
                            "{ edges { node { id } } } }",
                            api.token("organizer", org), {"c": cursor})
    assert status == 200 and _ids(body["data"]) <= api.downline(org)


def test_an_unknown_member_reads_like_one_outside_the_scope(api: Api) -> None:
    token = api.token("organizer", organizers(api)[0])
    _, body = api.post('{ member(id: "no-such-member") { id } }', token)
    assert codes(body) == {"FORBIDDEN"}
    _, body = api.post('{ member(id: "no-such-member") { id } }', api.token("admin"))
    assert codes(body) == {"NOT_FOUND"}


QUESTIONS_QUERY = """query($id: ID!) {
  downline(rootId: $id, top: 50) { root levels { members } branches { id } dead { id }
                                   recruits { top { id } } }
  compliance(rootId: $id, evidence: 50) { root flags { member evidence related } }
  influence(rootId: $id, top: 100, seeds: 1) { ranking { rows { member } }
                                               seeds { seeds { member } } }
  conversion(rootId: $id, groupBy: PROMOTER, top: 100) { rootId groups { key }
    coverage { byReach { promoter } byConversion { promoter } } }
}"""


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_organizers_questions_stay_inside_its_downline(api: Api, data: st.DataObject) -> None:
    org, inside, target, _, body = _ask_as_random_organizer(api, data, QUESTIONS_QUERY)
    if target in inside:
        assert "errors" not in body, body
    else:
        assert codes(body) == {"FORBIDDEN"} and body["data"] is None
    leaked = _ids(body.get("data")) - inside
    assert not leaked, f"{org}'s key saw {sorted(leaked)[:5]} outside its downline"


def test_an_organizers_compliance_defaults_to_its_own_downline(api: Api) -> None:
    org = organizers(api)[-1]
    result = ask(api.client(api.token("organizer", org)),
                 "{ compliance { root flags { evidence } } }")
    assert result["compliance"]["root"] == org
    assert _ids(result) <= api.downline(org)


def test_an_organizers_influence_and_conversion_are_its_teams(api: Api) -> None:
    """Without rootId an organizer gets its own downline's answer, equal to the Python
    functions' team answer; a promoter or seed member outside it is FORBIDDEN."""
    org = organizers(api)[-1]
    token = api.token("organizer", org)
    result = ask(api.client(token), """{
        influence(top: 500) { ranking { members totalGmv { minor } rows { member pagerank } } }
        conversion(groupBy: PROMOTER, top: 500) { rootId overall { clicks gmv { minor } }
                                                  groups { key } } }""")
    with open_store(api.config) as store:
        w = window.resolve(store, days=30)
        ranking = influence.rank(store, w, top=500, root_id=org)
        funnel = conversion.funnel(store, window.resolve(store, days=90), group_by="promoter",
                                   top=500, root_id=org)
    got = result["influence"]["ranking"]
    assert got["members"] == ranking.members
    assert got["totalGmv"]["minor"] == ranking.total_gmv
    assert [(r["member"], r["pagerank"]) for r in got["rows"]] == [
        (r.member, pytest.approx(r.pagerank)) for r in ranking.rows]
    assert result["conversion"]["rootId"] == org
    assert result["conversion"]["overall"]["clicks"] == funnel.overall.clicks
    assert [g["key"] for g in result["conversion"]["groups"]] == [g.key for g in funnel.groups]
    assert _ids(result) <= api.downline(org)
    outside = next(m for m in sorted(api.tree) if m not in api.downline(org))
    for query in (f'{{ conversion(promoterId: "{outside}") {{ rootId }} }}',
                  f'{{ influence(personalize: ["{outside}"]) {{ ranking {{ members }} }} }}'):
        assert codes(api.post(query, token)[1]) == {"FORBIDDEN"}


def test_recompute_influence_is_forbidden_to_organizers(api: Api) -> None:
    _, body = api.post(MUTATION,
                       api.token("organizer", organizers(api)[0]))
    assert codes(body) == {"FORBIDDEN"}


# -- the questions' values --------------------------------------------------------------------


def test_downline_field_matches_the_python_function(api: Api) -> None:
    root = max(api.tree, key=lambda m: len(nx.descendants(api.tree, m)))
    result = ask(api.client(api.token("compliance")), """query($id: ID!) {
        downline(rootId: $id, maxDepth: 5, activeDays: 60) {
          size depth asOf totals { active churned gmv { minor amount currency } }
          levels { level members active } concentration { gini top1Share } } }""", id=root)
    with open_store(api.config) as store:
        expected = downline.health(store, root, window.resolve(store, days=60), max_depth=5)
    got = result["downline"]
    assert (got["size"], got["depth"]) == (expected.size, expected.depth)
    assert got["totals"]["gmv"]["minor"] == expected.totals.gmv
    whole, cents = divmod(expected.totals.gmv, 100)
    assert got["totals"]["gmv"]["amount"] == f"{whole}.{cents:02d}"
    assert got["totals"]["gmv"]["currency"] == "CNY"
    assert (got["totals"]["active"], got["totals"]["churned"]) == (
        expected.totals.active, expected.totals.churned)
    assert [(lv["level"], lv["members"], lv["active"]) for lv in got["levels"]] == [
        (lv.level, lv.members, lv.active) for lv in expected.levels]
    assert got["concentration"]["gini"] == pytest.approx(expected.concentration.gini)
    assert got["asOf"] == window.format_instant(expected.as_of)


def test_compliance_field_matches_the_python_function(api: Api) -> None:
    result = ask(api.client(api.token("compliance")), """{ compliance(policy: "cn") {
        totals { members gmv { minor } entryShare }
        flags { code severity member numbers { name value } } } }""")
    with open_store(api.config) as store:
        expected = compliance.report(store, policy.load("cn"), window.resolve(store, days=365))
    got = result["compliance"]
    assert got["totals"]["members"] == expected.totals.members
    assert got["totals"]["gmv"]["minor"] == expected.totals.gmv
    assert got["totals"]["entryShare"] == pytest.approx(expected.totals.entry_share)
    assert [(f["code"], f["severity"], f["member"]) for f in got["flags"]] == [
        (f.code, f.severity, f.member) for f in expected.flags]
    assert [{n["name"]: n["value"] for n in f["numbers"]} for f in got["flags"]] == [
        {k: pytest.approx(v) for k, v in f.numbers.items()} for f in expected.flags]


def test_a_flags_money_numbers_carry_money(api: Api) -> None:
    """Numbers named like money (the answers' naming rule) come with ``money`` in exact
    minor units; counts, shares and ranks do not, and integral values stay exact."""
    result = ask(api.client(api.token("compliance")), """{ compliance(policy: "cn") {
        flags { code numbers { name value money { minor amount currency } } } } }""")
    with open_store(api.config) as store:
        expected = compliance.report(store, policy.load("cn"), window.resolve(store, days=365))
    seen_money = 0
    for got, flag in zip(result["compliance"]["flags"], expected.flags, strict=True):
        for number in got["numbers"]:
            value = flag.numbers[number["name"]]
            if isinstance(value, int):
                assert number["value"] == value  # integral: exact, not rounded
            if number["money"] is None:
                assert not (isinstance(value, int) and is_money(number["name"])), number
                continue
            seen_money += 1
            assert is_money(number["name"]) and isinstance(value, int), number
            assert number["money"]["minor"] == value
            assert number["money"]["amount"] == f"{value // 100}.{value % 100:02d}"
            assert number["money"]["currency"] == "CNY"
    assert seen_money, "the synthetic network raised no flag with money in its numbers"


def test_influence_field_matches_the_python_functions(api: Api) -> None:
    result = ask(api.client(api.token("admin")), """{ influence(top: 10, seeds: 3) {
        ranking { rows { rank member pagerank gmv { minor } gmvRank } }
        seeds { method k seeds { member } } } }""")
    with open_store(api.config) as store:
        w = window.resolve(store, days=30)
        ranking = influence.rank(store, w, top=10)
        chosen = influence.seeds(store, w, k=3, runs=200)
    rows = result["influence"]["ranking"]["rows"]
    assert [r["member"] for r in rows] == [r.member for r in ranking.rows]
    assert [r["pagerank"] for r in rows] == pytest.approx([r.pagerank for r in ranking.rows])
    assert [r["gmv"]["minor"] for r in rows] == [r.gmv for r in ranking.rows]
    assert [r["gmvRank"] for r in rows] == [r.gmv_rank for r in ranking.rows]
    assert any(isinstance(r["gmvRank"], int) for r in rows)  # a rank, not Money
    assert [s["member"] for s in result["influence"]["seeds"]["seeds"]] == [
        s.member for s in chosen.seeds]


def test_conversion_field_matches_the_python_function(api: Api) -> None:
    result = ask(api.client(api.token("admin")), """{ conversion(groupBy: LEVEL) {
        groupBy overall { clicks converted conversion gmv { minor } }
        groups { key clicks converted } } }""")
    with open_store(api.config) as store:
        expected = conversion.funnel(store, window.resolve(store, days=90), group_by="level")
    got = result["conversion"]
    assert got["groupBy"] == "level"
    assert (got["overall"]["clicks"], got["overall"]["converted"]) == (
        expected.overall.clicks, expected.overall.converted)
    assert got["overall"]["gmv"]["minor"] == expected.overall.gmv
    assert [(g["key"], g["clicks"], g["converted"]) for g in got["groups"]] == [
        (g.key, g.clicks, g.converted) for g in expected.groups]


def test_renamed_arguments_and_their_old_spellings_ask_the_same(api: Api) -> None:
    """Arguments renamed to their Params field keep the old name for one release."""
    client = api.client(api.token("admin"))
    root = max(api.tree, key=lambda m: len(nx.descendants(api.tree, m)))
    pairs = [
        ("downline(rootId: $id, days: 60) { size totals { active } }",
         "downline(rootId: $id, activeDays: 60) { size totals { active } }"),
        ("influence(seeds: 2, runs: 50, method: IMM) { seeds { method seeds { member } } }",
         "influence(seeds: 2, runs: 50, algorithm: IMM) { seeds { method seeds { member } } }"),
        ('conversion(asOf: "2026-10-01") { window { asOf } overall { clicks } }',
         'conversion(until: "2026-10-01") { window { asOf } overall { clicks } }'),
    ]
    for new, old in pairs:
        if "$id" in new:
            text, variables = "query($id: ID!) {{ {} }}", {"id": root}
        else:
            text, variables = "{{ {} }}", {}
        assert ask(client, text.format(new), **variables) == ask(client, text.format(old),
                                                                 **variables)
    _, body = api.post('{ downline(rootId: "m001", days: 7, activeDays: 8) { size } }',
                       api.token("admin"))
    assert codes(body) == {"BAD_USER_INPUT"} and "twice" in body["errors"][0]["message"]


def test_every_params_field_is_an_argument_that_works(api: Api) -> None:
    """Arguments the API lacked before Params (since, planLevels, alpha, minClicks) ask
    the Python question with the same values."""
    client = api.client(api.token("admin"))
    got = ask(client, """{ compliance(since: "2026-01-01", planLevels: 4) {
        window { since } checks { code checked } } }""")["compliance"]
    assert got["window"]["since"] == "2026-01-01T00:00:00+00:00"
    plan = next(c for c in got["checks"] if c["code"] == "COMMISSION_PLAN_DEPTH")
    assert plan["checked"]
    got = ask(client, "{ influence(alpha: 0.5, top: 3) { ranking { alpha } } }")
    assert got["influence"]["ranking"]["alpha"] == 0.5
    got = ask(client, "{ conversion(groupBy: PROMOTER, minClicks: 1) { coverage { minClicks } } }")
    assert got["conversion"]["coverage"]["minClicks"] == 1
    _, body = api.post("{ influence(alpha: 1.5) { ranking { alpha } } }", api.token("admin"))
    assert codes(body) == {"BAD_USER_INPUT"} and "alpha" in body["errors"][0]["message"]


def test_recompute_influence_is_an_admin_mutation_over_post(api: Api) -> None:
    _, body = api.post(MUTATION, api.token("admin"))
    assert "errors" not in body
    with open_store(api.config) as store:
        assert body["data"]["recomputeInfluence"]["dataVersion"] == snapshot.version_of(store)
    _, body = api.post(MUTATION, api.token("compliance"))
    assert codes(body) == {"FORBIDDEN"}


def test_many_expensive_questions_in_one_request_are_refused_by_cost(api: Api) -> None:
    five = "{ " + " ".join(f"c{i}: compliance {{ root }}" for i in range(5)) + " }"
    _, body = api.post(five, api.token("admin"))
    assert codes(body) == {"LIMIT_EXCEEDED"}


# -- the compliance case file -----------------------------------------------------------------

MAKE_CASE_FILE = """mutation($root: ID!) {
  makeCaseFile(rootId: $root) { id root madeBy format lang sha256 size url } }"""


def test_case_files_are_made_listed_and_opened_within_the_keys_scope(api: Api) -> None:
    """makeCaseFile and caseFiles ask the scope the questions ask: an organizer makes and
    lists its own team's case files (its url answers the same key, and the file verifies),
    and nothing of its upline or another team; a compliance key reaches both."""
    org = organizers(api)[0]
    other = next(m for m in organizers(api)
                 if m not in api.downline(org) and org not in api.downline(m))
    upline = next(iter(api.tree.predecessors(org)), None)
    mine, compliance = api.token("organizer", org), api.token("compliance")
    _, body = api.post(MAKE_CASE_FILE, mine, {"root": org})
    made = body["data"]["makeCaseFile"]
    assert made["root"] == org and (made["format"], made["lang"]) == ("HTML", "ZH")
    base = api.url.removesuffix("/graphql")
    r = requests.get(base + made["url"], headers={"Authorization": f"Bearer {mine}"},
                     timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    verdict = casefile.verify(r.content, api.config.data_dir)
    assert verdict.record is not None and verdict.record.id == made["id"]
    assert (verdict.record.sha256, verdict.record.size) == (made["sha256"], made["size"])

    for root in (other, upline, "no-such-member"):
        if root is None:
            continue
        status, body = api.post(MAKE_CASE_FILE, mine, {"root": root})
        assert status == 200 and codes(body) == {"FORBIDDEN"} and body["data"] is None, root
    _, body = api.post(MAKE_CASE_FILE, compliance, {"root": other})
    theirs = body["data"]["makeCaseFile"]
    r = requests.get(base + theirs["url"], headers={"Authorization": f"Bearer {mine}"},
                     timeout=30)
    assert r.status_code == 403

    listed = ask(api.client(mine), "{ caseFiles { id root } }")["caseFiles"]
    assert made["id"] in {c["id"] for c in listed} and theirs["id"] not in {
        c["id"] for c in listed}
    assert {c["root"] for c in listed} <= api.downline(org)
    every = ask(api.client(compliance), "{ caseFiles(last: 100) { id } }")["caseFiles"]
    assert {made["id"], theirs["id"]} <= {c["id"] for c in every}


# -- limits and errors -----------------------------------------------------------------------


def _timed(api: Api, query: str, token: str, runs: int = 5) -> tuple[set[str], float]:
    """The error codes and the slowest of ``runs`` refusals, in seconds."""
    slowest, found = 0.0, set()
    for _ in range(runs):
        started = time.perf_counter()
        _, body = api.post(query, token)
        slowest = max(slowest, time.perf_counter() - started)
        found |= codes(body)
    return found, slowest


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_documents_are_refused_quickly(api: Api, name: str) -> None:
    found, slowest = _timed(api, HOSTILE[name], api.token("admin"))
    assert found and found <= {"LIMIT_EXCEEDED", "BAD_USER_INPUT"}, found
    print(f"\n  refused {name}: slowest of 5 took {slowest * 1000:.0f} ms")


def test_introspection_is_refused_in_production(api: Api) -> None:
    found, slowest = _timed(api, INTROSPECTION, api.token("admin"))
    assert found == {"FORBIDDEN"}
    print(f"\n  refused introspection: slowest of 5 took {slowest * 1000:.0f} ms")


def test_a_mutation_over_get_is_refused(api: Api) -> None:
    r = requests.get(api.url, params={"query": MUTATION},
                     headers={"Authorization": f"Bearer {api.token('admin')}"}, timeout=10)
    assert r.status_code in (400, 405) and codes(r.json()) == {"BAD_USER_INPUT"}


def test_a_bad_cursor_is_bad_user_input(api: Api) -> None:
    _, body = api.post('{ members(first: 5, after: "not-a-cursor") { edges { node { id } } } }',
                       api.token("admin"))
    assert codes(body) == {"BAD_USER_INPUT"}


def test_a_browser_on_the_endpoint_is_sent_to_graphiql_after_sign_in(api: Api) -> None:
    r = requests.get(api.url, headers={"Accept": "text/html"}, timeout=10)
    assert r.status_code == 200 and "/signin" in r.url  # GraphiQL asks with the session
    assert 'name="key"' in r.text


def test_health_and_readiness(api: Api) -> None:
    base = api.url.removesuffix("/graphql")
    assert requests.get(f"{base}/healthz", timeout=5).json() == {"status": "ok"}
    assert requests.get(f"{base}/readyz", timeout=5).json() == {"status": "ready"}


def test_no_stack_trace_or_cypher_reaches_a_client(api: Api) -> None:
    for query in ('{ member(id: "m0001") { children(first: -1) { edges { cursor } } } }',
                  "{ nosuch }", "{", '{ members(first: 1, joinedAfter: "soon") { edges '
                  '{ cursor } } }'):
        _, body = api.post(query, api.token("admin"))
        text = str(body)
        assert "Traceback" not in text and "MATCH" not in text and body.get("errors")


# -- the schema file --------------------------------------------------------------------------


def test_the_committed_sdl_matches_the_schema() -> None:
    committed = (REPO / "api" / "schema.graphql").read_text(encoding="utf-8")
    assert committed == print_schema(schema.graphql_schema) + "\n", (
        "api/schema.graphql is out of date: regenerate it with "
        "python -c \"from graphql import print_schema; from refnet.api.schema import schema; "
        "print(print_schema(schema.graphql_schema))\" > api/schema.graphql")


def _root_of(tree: nx.DiGraph, member: str) -> str:
    while preds := list(tree.predecessors(member)):
        member = preds[0]
    return member


def test_a_known_document_still_has_its_variables_checked(api: Api) -> None:
    """Documents are parsed and validated once per text; page sizes from variables are
    checked on every request all the same."""
    query = "query($n: Int!) { members(first: $n) { edges { node { id } } } }"
    token = api.token("admin")
    for _ in range(2):
        status, body = api.post(query, token, {"n": 5})
        assert status == 200 and "errors" not in body
        assert len(body["data"]["members"]["edges"]) == 5
        _, body = api.post(query, token, {"n": 100_000})
        assert codes(body) == {"LIMIT_EXCEEDED"}
