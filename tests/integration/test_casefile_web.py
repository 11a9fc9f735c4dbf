"""The compliance case file through every way in but the command line: the web app's
合规案卷 page (its list, its form, each file's download) and GraphQL's ``makeCaseFile``
and ``caseFiles``, through Flask's test client on a hand-built network, in a store and a
data dir of this module's own (case files are listed from the data dir), on FalkorDB and
on Neo4j.

An organizer makes, lists and opens its own team's case files and nothing else: its
upline's, another organization's and an unknown member's are 403 / FORBIDDEN; compliance
and admin keys reach every organization. ``test_api.py`` asks GraphQL the same through a
real ``refnet serve``; ``test_browser.py`` makes one in a browser.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from refnet.api import casefile, keys
from refnet.api.app import create_app
from refnet.api.casefile import kept, pdf
from refnet.graph.connect import open_store
from refnet.graph.store import GraphStore
from tests.browser import cjk_fonts
from tests.conftest import served_store
from tests.graphs import Network
from tests.integration.test_compliance import organization
from tests.integration.test_web import sign_in, text

AS_OF = "2026-03-01"  # a day: the form reads it as the organization's (Asia/Shanghai)
OWN, BELOW = "alpha.2.0", "alpha.3.0"  # the organizer's root, and a member of its team
ELSEWHERE = ("alpha", "beta", "nobody")  # its upline, another organization, no one


@pytest.fixture(scope="module")
def net(backend: str, request: pytest.FixtureRequest,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """``alpha`` organizes 10 people in 3 levels, the third hung under ``alpha.2.0`` (the
    organizer here); ``beta`` is another organization. On each backend."""
    network = Network()
    organization(network, "alpha", [3, 6])
    organization(network, "beta", [2, 2])
    network.product("tea", price=10_000)
    network.purchase("order-a", buyer="alpha.3.1", promoter=OWN, product="tea",
                     amount=10_000, commission=1_000, day=20)
    network.purchase("order-b", buyer="beta.3.0", promoter="beta", product="tea",
                     amount=10_000, commission=1_000, day=21)
    data = tmp_path_factory.mktemp("casefile-web")
    with served_store(backend, request, data) as config, open_store(config) as s:
        network.load(s, tmp_path_factory.mktemp("casefile-web-files"))
        yield s


@pytest.fixture(scope="module")
def app(net: GraphStore) -> Flask:
    return create_app(net.config, store=net)


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c


def key(store: GraphStore, role: str, member: str | None = None) -> keys.NewKey:
    return keys.create(store, role, member_id=member)


def form_token(client: FlaskClient) -> str:
    page = client.get("/casefiles")
    assert page.status_code == 200, text(page)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def make(client: FlaskClient, root: str, **fields: str) -> TestResponse:
    """The form sent as a person would: the page's token, a root, the as-of day."""
    return client.post("/casefiles", data={"csrf_token": form_token(client), "root_id": root,
                                           "as_of": AS_OF, "format": "html", **fields})


def made(response: TestResponse) -> str:
    """The id of the case file a sent form made (the list it returns to names it)."""
    assert response.status_code == 302, text(response)
    return re.search(r"made=(CF-\d{8}-[0-9a-f]{8})", response.headers["Location"]).group(1)


def kept_count(store: GraphStore) -> int:
    return len(kept.listing(store.config.data_dir))


def listed(client: FlaskClient) -> list[str]:
    page = client.get("/casefiles").get_data(as_text=True)
    return re.findall(r'<td><a href="/casefiles/(CF-[^"]+)">', page)


def ask(client: FlaskClient, token: str, query: str, **variables: Any) -> dict[str, Any]:
    r = client.post("/graphql", json={"query": query, "variables": variables},
                    headers={"Authorization": f"Bearer {token}"})
    return r.get_json()


def codes(body: dict[str, Any]) -> set[str]:
    return {e["extensions"]["code"] for e in body.get("errors", [])}


MAKE = """mutation($root: ID!, $format: CaseFileFormat, $lang: Language, $policy: String) {
  makeCaseFile(rootId: $root, asOf: "2026-03-01T00:00:00Z", format: $format, lang: $lang,
               policy: $policy) {
    id madeAt madeBy root policy asOf dataVersion format lang sha256 size url } }"""
LIST = "{ caseFiles(last: 100) { id root url } }"


# -- one person's two organizations, on a store of its own --------------------------------------
#
# First in the module, and it must stay first: on Neo4j, the one database, its ``store`` is
# emptied for it, which would wipe the network the module's ``net`` holds there if it ran
# after that was loaded (pytest runs a backend's tests in the file's order, and
# ``served_store`` fails at the module's end if it happened).


def test_an_organizer_never_learns_of_the_same_persons_other_organizations(
        store: GraphStore, tmp_path: Path) -> None:
    """x1 and x2 hold one platform account, so the 2013 opinion adds their organizations
    up: for a compliance key. x2's organizer key asks about its own team and hears of
    no x1, over GraphQL's compliance question and in the case file it makes."""
    first, second = Network(), Network()
    organization(first, "x1", [4, 10])
    organization(first, "x2", [4, 11])
    first.account("x1", "taobao", "acct-x")
    first.load(store, tmp_path / "first")
    second.account("x2", "taobao", "acct-x")  # the same account, a later load
    second.load(store, tmp_path / "second")
    client = create_app(store.config, store=store).test_client()
    query = ('{ compliance(rootId: "x2", asOf: "2026-03-01T00:00:00Z") '
             '{ opinion { leader samePerson people organizations { root } } } }')
    seen = ask(client, key(store, "compliance").token, query)["data"]["compliance"]
    assert seen["opinion"][0]["samePerson"] == ["x1"] and seen["opinion"][0]["people"] == 30
    organizer = key(store, "organizer", "x2").token
    own = ask(client, organizer, query)["data"]["compliance"]["opinion"]
    assert own == [{"leader": "x2", "samePerson": [], "people": 16,
                    "organizations": [{"root": "x2"}]}]
    got = ask(client, organizer, MAKE, root="x2")["data"]["makeCaseFile"]
    page = client.get(got["url"], headers={"Authorization": f"Bearer {organizer}"})
    text = page.get_data(as_text=True)
    inside = re.search(r'id="casefile-data">(.*?)</script>', text, re.S).group(1)
    assert page.status_code == 200 and '"x1"' not in inside and "x1." not in text


# -- the web app -----------------------------------------------------------------------------


def test_an_organizer_makes_and_opens_its_own_teams_case_files_only(
        client: FlaskClient, net: GraphStore) -> None:
    organizer = key(net, "organizer", OWN)
    sign_in(client, organizer.token)
    page = client.get("/team")
    assert 'href="/casefiles"' in page.get_data(as_text=True)  # offered to organizers too
    form = client.get("/casefiles").get_data(as_text=True)
    assert "合规案卷" in form and f'name="root_id" value="{OWN}"' in form  # its own root

    own = made(make(client, OWN))
    below = made(make(client, BELOW))  # a member inside its team: its sub-organization
    assert {own, below} <= set(listed(client))
    r = client.get(f"/casefiles/{own}")
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert r.headers["Content-Disposition"].startswith("inline")
    assert "script-src" not in r.headers["Content-Security-Policy"]  # default-src 'none'
    assert "合规案卷" in r.get_data(as_text=True) and f"{OWN} 的组织" in r.get_data(as_text=True)
    verdict = casefile.verify(r.data, net.config.data_dir)
    assert verdict.record is not None and verdict.record.id == own
    assert (verdict.record.root, verdict.record.made_by) == (OWN, organizer.key.id)

    before = kept_count(net)
    for root in ELSEWHERE:
        refused = make(client, root)
        assert refused.status_code == 403 and "FORBIDDEN" in text(refused), root
    assert kept_count(net) == before  # nothing made for them


def test_compliance_and_admin_reach_every_organization(
        client: FlaskClient, net: GraphStore) -> None:
    sign_in(client, key(net, "compliance").token)
    page = client.get("/casefiles").get_data(as_text=True)
    assert '<option value="alpha">' in page and '<option value="beta">' in page  # offered
    beta = made(make(client, "beta", whatif_levels="2", whatif_beyond="upline",
                     whatif_entry="remove"))
    body = client.get(f"/casefiles/{beta}").get_data(as_text=True)
    assert "假设情形" in body and "beta 的组织" in body
    alpha = made(make(client, "alpha", policy="us-ftc"))
    assert kept.find(net.config.data_dir, alpha)[0].policy == "us-ftc"

    sign_in(client, key(net, "admin").token)
    assert {beta, alpha} <= set(listed(client))
    assert client.get(f"/casefiles/{beta}").status_code == 200
    assert client.get("/casefiles/CF-20260101-00000000").status_code == 404  # no such file

    sign_in(client, key(net, "organizer", OWN).token)
    mine = listed(client)
    assert beta not in mine and alpha not in mine  # above or beside its team: not listed
    assert all(kept.find(net.config.data_dir, i)[0].root in (OWN, BELOW) for i in mine)
    for other in (beta, alpha):
        r = client.get(f"/casefiles/{other}")
        assert r.status_code == 403 and "FORBIDDEN" in text(r)
    assert client.get("/casefiles/CF-20260101-00000000").status_code == 404
    assert client.get("/casefiles/not-an-id").status_code == 400


def test_a_post_without_its_csrf_token_is_refused(client: FlaskClient,
                                                 net: GraphStore) -> None:
    sign_in(client, key(net, "compliance").token)
    before = kept_count(net)
    r = client.post("/casefiles", data={"root_id": "alpha", "format": "html"})
    assert r.status_code == 400 and "BAD_USER_INPUT" in text(r)
    r = client.post("/casefiles", data={"root_id": "alpha", "csrf_token": "forged"})
    assert r.status_code == 400
    assert kept_count(net) == before


def test_the_pages_need_a_session(client: FlaskClient, net: GraphStore) -> None:
    assert client.get("/casefiles").headers["Location"].startswith("/signin")
    case_id = kept.listing(net.config.data_dir)[0].id
    assert client.get(f"/casefiles/{case_id}").headers["Location"].startswith("/signin")
    r = client.get(f"/casefiles/{case_id}", headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401 and "UNAUTHENTICATED" in text(r)  # a program: no redirect


@pytest.mark.parametrize("fields", [
    {"whatif_levels": "two"}, {"whatif_levels": "0"}, {"whatif_beyond": "sideways"},
    {"as_of": "yesterday"}, {"policy": "/etc/passwd"}, {"policy": "../cn.toml"},
    {"format": "docx"},
], ids=lambda f: "-".join(f"{k}={v}" for k, v in f.items()))
def test_bad_form_values_are_coded_refusals(client: FlaskClient, net: GraphStore,
                                            fields: dict[str, str]) -> None:
    sign_in(client, key(net, "compliance").token)
    before = kept_count(net)
    r = make(client, "alpha", **fields)
    assert r.status_code == 400 and "BAD_USER_INPUT" in text(r), text(r)
    assert kept_count(net) == before


def test_a_pdf_downloads_as_an_attachment_and_verifies(client: FlaskClient,
                                                       net: GraphStore) -> None:
    why = cjk_fonts()
    if why:
        pytest.skip(why)
    sign_in(client, key(net, "compliance").token)
    case_id = made(make(client, "alpha", format="pdf"))
    r = client.get(f"/casefiles/{case_id}")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.headers["Content-Disposition"] == f"attachment; filename={case_id}.pdf"
    assert r.data.startswith(b"%PDF")
    assert casefile.verify(r.data, net.config.data_dir).record.id == case_id


def test_a_missing_chinese_font_is_a_coded_refusal_not_a_500(
        client: FlaskClient, net: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "cjk_font", functools.cache(lambda: None))
    compliance = key(net, "compliance")
    sign_in(client, compliance.token)
    page = client.get("/casefiles").get_data(as_text=True)
    assert '<option value="pdf" disabled>' in page and "fonts-noto-cjk" in page
    before = kept_count(net)
    r = make(client, "alpha", format="pdf")
    assert r.status_code == 400 and "BAD_USER_INPUT" in text(r)
    assert "fonts-noto-cjk" in text(r) and "INTERNAL" not in text(r)
    body = ask(client, compliance.token, MAKE, root="alpha", format="PDF")
    assert codes(body) == {"BAD_USER_INPUT"} and body["data"] is None
    assert "fonts-noto-cjk" in body["errors"][0]["message"]
    assert kept_count(net) == before


# -- GraphQL -----------------------------------------------------------------------------------


def test_graphql_makes_and_lists_an_organizers_own_case_files_only(
        client: FlaskClient, net: GraphStore) -> None:
    organizer = key(net, "organizer", OWN)
    body = ask(client, organizer.token, MAKE, root=OWN)
    assert "errors" not in body, body
    got = body["data"]["makeCaseFile"]
    record, _ = kept.find(net.config.data_dir, got["id"])
    assert got["root"] == OWN and got["madeBy"] == organizer.key.id
    assert (got["format"], got["lang"], got["policy"]) == ("HTML", "ZH", "cn")  # the defaults
    assert (got["sha256"], got["size"]) == (record.sha256, record.size)
    assert got["asOf"].startswith("2026-03-01T00:00:00") and got["url"] == f"/casefiles/{got['id']}"
    # the url answers the same bearer key, and the file it gives verifies
    r = client.get(got["url"], headers={"Authorization": f"Bearer {organizer.token}"})
    assert r.status_code == 200 and casefile.verify(r.data, net.config.data_dir).record == record

    for root in ELSEWHERE:
        refused = ask(client, organizer.token, MAKE, root=root)
        assert codes(refused) == {"FORBIDDEN"} and refused["data"] is None, root

    compliance = key(net, "compliance")
    beta = ask(client, compliance.token, MAKE, root="beta", lang="EN")["data"]["makeCaseFile"]
    assert beta["lang"] == "EN"
    opened = client.get(beta["url"], headers={"Authorization": f"Bearer {compliance.token}"})
    assert "Compliance case file" in opened.get_data(as_text=True)
    theirs = client.get(beta["url"], headers={"Authorization": f"Bearer {organizer.token}"})
    assert theirs.status_code == 403

    own_list = ask(client, organizer.token, LIST)["data"]["caseFiles"]
    assert got["id"] in {c["id"] for c in own_list}
    assert {c["root"] for c in own_list} <= {OWN, BELOW}
    every = ask(client, compliance.token, LIST)["data"]["caseFiles"]
    assert {got["id"], beta["id"]} <= {c["id"] for c in every}
    assert [c["id"] for c in every] == [r.id for r in kept.listing(net.config.data_dir)][:100]


def test_graphql_refuses_policy_paths_and_bad_lists(client: FlaskClient,
                                                    net: GraphStore) -> None:
    admin = key(net, "admin").token
    for policy in ("/etc/passwd", "cn.toml", "../policies/cn"):
        body = ask(client, admin, MAKE, root="alpha", policy=policy)
        assert codes(body) == {"BAD_USER_INPUT"} and "unknown policy" in body["errors"][0][
            "message"], policy
    assert codes(ask(client, admin, MAKE, root="nobody")) == {"NOT_FOUND"}
    assert codes(ask(client, admin, "{ caseFiles(last: 0) { id } }")) == {"BAD_USER_INPUT"}
    two = "mutation { a: makeCaseFile(rootId: \"alpha\") { id } b: makeCaseFile(rootId: " \
          "\"beta\") { id } }"
    assert codes(ask(client, admin, two)) == {"LIMIT_EXCEEDED"}  # one case file a request


def test_graphql_making_is_a_post_only_mutation(client: FlaskClient,
                                                net: GraphStore) -> None:
    r = client.get("/graphql", query_string={"query": 'mutation { makeCaseFile(rootId: "alpha")'
                                                      " { id } }"},
                   headers={"Authorization": f"Bearer {key(net, 'admin').token}"})
    assert r.status_code in (400, 405) and codes(r.get_json()) == {"BAD_USER_INPUT"}
