"""The web app through Flask's test client on a real store (the 2,000-member synthetic
network), on FalkorDB and on Neo4j: sign-in, sessions, CSRF, scope, language, and the
dashboard's numbers against the question they come from."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import time
from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from refnet.api import keys
from refnet.api.app import create_app
from refnet.api.web import auth
from refnet.api.web.i18n import yuan
from refnet.api.web.periods import period
from refnet.graph.connect import open_store
from refnet.graph.store import GraphStore
from refnet.loaders.load import load_paths
from refnet.queries import conversion, downline, influence, network
from refnet.queries import snapshot as snapshots
from refnet.queries.downline.members import MemberFilter, member_list
from refnet.queries.downline.tree import children_from
from tests.conftest import served_store
from tests.graphs import HASHER


@pytest.fixture(scope="module")
def web_store(backend: str, request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory,
              network_dir: Path) -> Iterator[GraphStore]:
    """The 2,000-member synthetic network in a store and data dir of this module's own,
    on each backend: signing in makes keys, which the session's shared
    ``synthetic_store`` must not get."""
    data = tmp_path_factory.mktemp("web-data")
    with served_store(backend, request, data) as config, open_store(config) as s:
        assert load_paths(s, [network_dir], hasher=HASHER).bad == 0
        yield s


@pytest.fixture(scope="module")
def app(web_store: GraphStore) -> Flask:
    return create_app(web_store.config, store=web_store)


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c


@pytest.fixture(scope="module")
def tree(web_store: GraphStore) -> dict[str, str]:
    """The largest organization's root, one member deep inside it (an organizer with a
    downline), a member below that one, and a member of another organization."""
    snap = snapshots.current(web_store, web_store.config.data_dir)
    largest = network.summary(web_store, top=2).largest
    root = snap.position(largest[0].root)
    kids = [i for i in range(root + 1, root + int(snap.size[root]))
            if snap.parent[i] == root and snap.size[i] >= 5]
    organizer = kids[0]
    below = next(i for i in range(organizer + 1, organizer + int(snap.size[organizer]))
                 if snap.parent[i] == organizer)
    return {"root": largest[0].root, "organizer": str(snap.ids[organizer]),
            "below": str(snap.ids[below]), "outside": largest[1].root}


def csrf(client: FlaskClient) -> str:
    page = client.get("/signin").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client: FlaskClient, token: str) -> None:
    r = client.post("/signin", data={"key": token, "csrf_token": csrf(client)})
    assert r.status_code == 302, r.get_data(as_text=True)


def text(response: TestResponse) -> str:
    """The page's words, tags dropped."""
    page = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


def token(store: GraphStore, role: str, member: str | None = None) -> str:
    return keys.create(store, role, member_id=member).token


# -- an upload, on a store of its own ----------------------------------------------------------
#
# First in the module, and it must stay first: on Neo4j, the one database, its ``store`` is
# emptied for it, which would wipe the network the module's ``web_store`` holds there if it
# ran after that was loaded (pytest runs a backend's tests in the file's order, and
# ``served_store`` fails at the module's end if it happened).


def test_an_upload_loads_and_its_refused_rows_download_with_their_columns(
        store: GraphStore) -> None:
    app = create_app(store.config, store=store)
    rows = [["ok1", "", "jd", "2026-01-01T00:00:00Z", "active", ""],
            ["bad1", "", "jd", "不是时间", "active", ""],
            ["=cmd", "", "jd", "nope", "active", "金牌"]]
    body = io.StringIO()
    w = csv.writer(body)
    w.writerow(["member_id", "referrer_id", "platform", "joined_at", "status", "tier"])
    w.writerows(rows)
    with app.test_client() as c:
        sign_in(c, keys.create(store, "admin").token)
        page = c.get("/loads").get_data(as_text=True)
        form_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        r = c.post("/loads", data={
            "csrf_token": form_token, "profile": "auto",
            "files": (io.BytesIO(body.getvalue().encode("utf-8")), "members.csv")},
            content_type="multipart/form-data")
        assert r.status_code == 302 and r.headers["Location"].startswith("/loads/")
        run_page = r.headers["Location"]
        deadline = time.monotonic() + 120
        while "已完成" not in text(c.get(run_page)):  # a background process loads it
            assert time.monotonic() < deadline, text(c.get(run_page))
            time.sleep(0.5)
        words = text(c.get(run_page))
        assert "共拒收 2 行" in words
        book = openpyxl.load_workbook(io.BytesIO(c.get(f"{run_page}/refused.xlsx").data))
        sheet = book["members.csv"]
        got = list(sheet.iter_rows(values_only=True))
        assert got[0][:5] == ("文件", "行号", "类型", "原因代码", "原因")
        columns = list(got[0][5:])
        assert {"member_id", "joined_at", "tier"} <= set(columns)
        by_id = {row[5 + columns.index("member_id")]: row for row in got[1:]}
        assert set(by_id) == {"bad1", "=cmd"}
        assert by_id["bad1"][5 + columns.index("joined_at")] == "不是时间"
        assert by_id["=cmd"][5 + columns.index("tier")] == "金牌"
        assert sheet.cell(row=2 + list(by_id).index("=cmd"), column=6 + columns.index(
            "member_id")).data_type == "s"  # text, not a formula
        data = c.get(f"{run_page}/refused.csv").data
        assert data.startswith(b"\xef\xbb\xbf") and "不是时间" in data.decode("utf-8-sig")


# -- signing in --------------------------------------------------------------------------


def test_pages_need_a_session_and_send_you_back_after_sign_in(
        client: FlaskClient, web_store: GraphStore) -> None:
    r = client.get("/team?period=last_month")
    assert r.status_code == 302
    assert r.headers["Location"] == "/signin?next=/team?period%3Dlast_month"
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'name="next" value="/team?period=last_month"' in page
    r = client.post("/signin", data={"key": token(web_store, "admin"),
                                     "csrf_token": csrf(client), "next": "/team?period=last_month"})
    assert r.headers["Location"] == "/team?period=last_month"
    assert client.get("/team?period=last_month").status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil",
                                    "javascript:alert(1)"])
def test_next_never_leaves_the_site(client: FlaskClient, web_store: GraphStore,
                                    target: str) -> None:
    r = client.post("/signin", data={"key": token(web_store, "admin"),
                                     "csrf_token": csrf(client), "next": target})
    assert r.headers["Location"] == "/team"


def test_a_post_without_its_csrf_token_is_refused(client: FlaskClient,
                                                 web_store: GraphStore) -> None:
    r = client.post("/signin", data={"key": token(web_store, "admin")})
    assert r.status_code == 400 and "BAD_USER_INPUT" in text(r)
    assert "表单已过期" in text(r)  # zh-CN first
    sign_in(client, token(web_store, "admin"))
    assert client.post("/signout").status_code == 400  # signing out is a form too
    assert client.get("/team").status_code == 200


def test_a_wrong_key_is_401_and_repeated_failures_are_limited(
        web_store: GraphStore) -> None:
    app = create_app(web_store.config, store=web_store)  # a fresh count
    with app.test_client() as client:
        for _ in range(auth.MAX_FAILURES):
            r = client.post("/signin", data={"key": "rn_0123456789ab_" + "x" * 43,
                                             "csrf_token": csrf(client)})
            assert r.status_code == 401 and "密钥无效" in text(r)
        r = client.post("/signin", data={"key": token(web_store, "admin"),
                                         "csrf_token": csrf(client)})
        assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= auth.FAILURE_WINDOW


def test_failures_slide_out_of_their_window() -> None:
    class Request:
        remote_addr = "10.0.0.1"

    failures = auth.Failures(limit=2, window=60)
    failures.failed(Request(), now=0)
    failures.failed(Request(), now=30)
    assert failures.wait(Request(), now=31) == 30
    assert failures.wait(Request(), now=61) == 0  # the first one left the window


def test_the_session_cookie_is_httponly_samesite_and_holds_no_key(
        client: FlaskClient, web_store: GraphStore) -> None:
    secret = token(web_store, "admin")
    r = client.post("/signin", data={"key": secret, "csrf_token": csrf(client)})
    cookie = next(v for k, v in r.headers.items() if k == "Set-Cookie"
                  and v.startswith("refnet_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert secret.split("_")[2] not in cookie
    with client.session_transaction(base_url="https://localhost") as s:
        s["touch"] = 1
    r = client.get("/team", base_url="https://localhost")
    assert "Secure" in r.headers["Set-Cookie"]  # over TLS the cookie is Secure


@pytest.mark.parametrize("gap", ["idle", "lifetime"])
def test_sessions_end(client: FlaskClient, web_store: GraphStore, gap: str) -> None:
    sign_in(client, token(web_store, "admin"))
    with client.session_transaction() as s:
        if gap == "idle":
            s["seen"] = time.time() - auth.IDLE - 1
        else:
            s["started"] = time.time() - auth.LIFETIME - 1
    r = client.get("/team")
    assert r.status_code == 302 and r.headers["Location"].startswith("/signin")
    assert client.get("/team").status_code == 302  # and it stays ended


def test_revoking_the_key_ends_its_sessions(client: FlaskClient,
                                            web_store: GraphStore) -> None:
    made = keys.create(web_store, "admin")
    sign_in(client, made.token)
    assert client.get("/team").status_code == 200
    keys.revoke(web_store, made.key.id)
    assert client.get("/team").status_code == 302


def test_signing_out(client: FlaskClient, web_store: GraphStore) -> None:
    sign_in(client, token(web_store, "admin"))
    page = client.get("/team").get_data(as_text=True)
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/signout", data={"csrf_token": form_token}).status_code == 302
    assert client.get("/team").status_code == 302


# -- scope -------------------------------------------------------------------------------


def test_an_organizer_sees_their_team_and_nothing_else(
        client: FlaskClient, web_store: GraphStore, tree: dict[str, str]) -> None:
    sign_in(client, token(web_store, "organizer", tree["organizer"]))
    own = client.get("/team")
    assert own.status_code == 200 and "我的团队" in text(own)
    assert client.get(f"/team?root={tree['below']}").status_code == 200  # a sub-team
    outside = client.get(f"/team?root={tree['outside']}")
    upline = client.get(f"/team?root={tree['root']}")
    missing = client.get("/team?root=no-such-member")
    for r in (outside, upline, missing):
        assert r.status_code == 403 and "FORBIDDEN" in text(r)
    # a member that does not exist reads like one outside: the page says which id was
    # asked and nothing about whether it exists
    assert text(missing).replace("no-such-member", "X") == \
        text(outside).replace(tree["outside"], "X")
    assert tree["outside"] not in text(own)


def test_a_compliance_key_starts_at_the_largest_organization(
        client: FlaskClient, web_store: GraphStore, tree: dict[str, str]) -> None:
    sign_in(client, token(web_store, "compliance"))
    assert f"{tree['root']} 的团队" in text(client.get("/team"))
    assert client.get(f"/team?root={tree['outside']}").status_code == 200


# -- the dashboard -------------------------------------------------------------------------


@pytest.mark.parametrize("preset", ["today", "week", "month", "last_month", "last_30"])
def test_the_dashboard_shows_the_questions_numbers_for_the_period(
        client: FlaskClient, web_store: GraphStore, tree: dict[str, str],
        preset: str) -> None:
    sign_in(client, token(web_store, "organizer", tree["organizer"]))
    page = text(client.get(f"/team?period={preset}"))
    snap = snapshots.current(web_store, web_store.config.data_dir)
    p = period(preset, snap.latest, web_store.config.timezone)
    want = downline.health(web_store, tree["organizer"], p.window)
    with create_app(web_store.config, store=web_store).test_request_context():
        gmv, commission = yuan(want.totals.gmv), yuan(want.totals.commission)
    assert f"团队人数 {want.size:,}" in page
    assert f"活跃 {want.totals.active:,}" in page
    assert f"销售额 {gmv}" in page and f"佣金 {commission}" in page
    assert f"{p.first} 至 {p.last}" in page


def test_custom_periods_and_bad_ones(client: FlaskClient, web_store: GraphStore,
                                    tree: dict[str, str]) -> None:
    sign_in(client, token(web_store, "admin"))
    ok = client.get(f"/team?root={tree['organizer']}&period=custom&from=2026-01-01&to=2026-06-30")
    assert ok.status_code == 200 and "2026-01-01 至 2026-06-30" in text(ok)
    for query in ("period=custom&from=2026-06-30&to=2026-01-01", "period=custom&from=x&to=y",
                  "period=fortnight", "period=custom&from=2020-01-01&to=2026-01-01"):
        r = client.get(f"/team?{query}")
        assert r.status_code == 400 and "BAD_USER_INPUT" in text(r), query


def test_chinese_first_english_by_choice(client: FlaskClient,
                                         web_store: GraphStore) -> None:
    sign_in(client, token(web_store, "admin"))
    zh = client.get("/team", headers={"Accept-Language": "en-US"})  # not guessed
    assert "团队人数" in text(zh) and '<html lang="zh-CN">' in zh.get_data(as_text=True)
    en = client.get("/team?lang=en")
    assert "Team size" in text(en) and "团队人数" not in text(en)
    assert "Team size" in text(client.get("/team"))  # remembered
    assert "团队人数" in text(client.get("/team?lang=zh"))


def test_pages_load_nothing_from_another_host(client: FlaskClient,
                                              web_store: GraphStore) -> None:
    sign_in(client, token(web_store, "admin"))
    r = client.get("/team")
    page = r.get_data(as_text=True)
    links = re.findall(r'(?:src|href|action)="([^"]*)"', page)
    # relative, or data: (the page's empty icon): nothing names another host
    assert links and all(not re.match(r"^(?!data:)[a-z]+:|^//", u) for u in links), links
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["Cache-Control"] == "no-store"
    for asset in re.findall(r'src="(/assets/[^"]+)"', page):
        got = client.get(asset)
        assert got.status_code == 200 and got.mimetype == "text/javascript", asset
    assert b"echarts" in client.get("/assets/vendor/echarts.min.js").data[:2000].lower()


def test_the_api_still_answers_bearer_keys_without_csrf(
        client: FlaskClient, web_store: GraphStore) -> None:
    r = client.post("/graphql", json={"query": "{ __typename }"},
                    headers={"Authorization": f"Bearer {token(web_store, 'admin')}"})
    assert r.status_code == 200 and r.get_json()["data"] == {"__typename": "Query"}


# -- the member list and its export ----------------------------------------------------------


def test_the_member_list_filters_pages_and_exports_what_it_counts(
        client: FlaskClient, web_store: GraphStore, tree: dict[str, str]) -> None:
    sign_in(client, token(web_store, "compliance"))
    snap = snapshots.current(web_store, web_store.config.data_dir)
    p = period("last_30", snap.latest, web_store.config.timezone)
    root = tree["root"]
    query = f"root={root}&state=inactive&level_min=2&sort=joined_at&order=asc"
    want = member_list(snap, root, p.window, MemberFilter(
        state="inactive", level_min=2, sort="joined_at", descending=False, limit=None))
    assert want.matched > 60  # more than a page
    page1 = client.get(f"/members?{query}")
    assert page1.status_code == 200
    assert f"团队 {want.size:,} 人中符合条件 {want.matched:,} 人" in text(page1)
    ids = re.findall(r"<tr>\s*<td><a [^>]*>([^<]+)</a></td>", page1.get_data(as_text=True))
    assert ids == [r.id for r in want.rows[:50]]
    page2 = client.get(f"/members?{query}&page=2").get_data(as_text=True)
    assert re.findall(r"<tr>\s*<td><a [^>]*>([^<]+)</a></td>", page2) == \
        [r.id for r in want.rows[50:100]]

    xlsx = client.get(f"/members.xlsx?{query}")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    assert f'filename="members-{root}-{p.first}-{p.last}.xlsx"' in \
        xlsx.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("成员", "层级", "分支")
    assert [r[0] for r in rows[1:]] == [r.id for r in want.rows]  # every row, not a page
    assert sum(round(r[10] * 100) for r in rows[1:]) == sum(r.gmv for r in want.rows)

    data = client.get(f"/members.csv?{query}").data
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Chinese Excel
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0][0] == "成员" and [r[0] for r in lines[1:]] == [r.id for r in want.rows]

    en = client.get(f"/members.csv?{query}&lang=en").data.decode("utf-8-sig")
    assert en.startswith("Member,Level,Branch")


def test_the_dashboards_counts_open_their_members(
        client: FlaskClient, web_store: GraphStore, tree: dict[str, str]) -> None:
    sign_in(client, token(web_store, "organizer", tree["organizer"]))
    page = client.get("/team?period=last_month").get_data(as_text=True)
    link = re.search(r'href="(/members\?[^"]*state=churned[^"]*)"', page).group(1)
    snap = snapshots.current(web_store, web_store.config.data_dir)
    p = period("last_month", snap.latest, web_store.config.timezone)
    churned = downline.health(web_store, tree["organizer"], p.window).totals.churned
    listed = text(client.get(unescape(link)))
    assert f"符合条件 {churned:,} 人" in listed


def test_an_organizer_cannot_list_or_export_another_team(
        client: FlaskClient, web_store: GraphStore, tree: dict[str, str]) -> None:
    sign_in(client, token(web_store, "organizer", tree["organizer"]))
    for path in ("/members", "/members.xlsx", "/members.csv"):
        assert client.get(f"{path}?root={tree['outside']}").status_code == 403, path
        assert client.get(f"{path}?root={tree['root']}").status_code == 403, path
    assert client.get("/members.xlsx").status_code == 200
    assert client.get("/members.pdf").status_code == 404


@pytest.mark.parametrize("query", ["state=asleep", "sort=name", "level_min=0", "level_min=x",
                                   "page=0", "joined_from=yesterday", "branch=nobody"])
def test_bad_member_filters_are_coded_errors(client: FlaskClient,
                                             web_store: GraphStore, query: str) -> None:
    sign_in(client, token(web_store, "admin"))
    r = client.get(f"/members?{query}")
    assert r.status_code == 400 and "BAD_USER_INPUT" in text(r), query


# -- the genealogy tree ----------------------------------------------------------------------


def tree_data(response: TestResponse) -> dict:
    page = response.get_data(as_text=True)
    return json.loads(unescape(re.search(
        r'<script type="application/json" id="tree-data">(.*?)</script>', page, re.S).group(1)))


def test_the_tree_opens_a_level_at_a_time_within_the_scope(
        client: FlaskClient, web_store: GraphStore, tree: dict[str, str]) -> None:
    sign_in(client, token(web_store, "organizer", tree["organizer"]))
    snap = snapshots.current(web_store, web_store.config.data_dir)
    p = period("last_30", snap.latest, web_store.config.timezone)
    page = client.get("/tree")
    assert page.status_code == 200 and "族谱" in text(page)
    first = tree_data(page)["levels"][0]
    want = children_from(snap, tree["organizer"], p.window)
    assert first["node"]["id"] == tree["organizer"]
    assert [c["id"] for c in first["children"]] == [c.id for c in want.children]
    opened = client.get(f"/tree/children?member={tree['below']}")
    assert opened.status_code == 200
    assert opened.get_json()["node"] == asdict(children_from(snap, tree["below"], p.window).node)
    for member in (tree["outside"], tree["root"], "no-such-member"):
        r = client.get(f"/tree/children?member={member}")
        assert r.status_code == 403 and r.get_json()["error"]["code"] == "FORBIDDEN"
        assert client.get(f"/tree?focus={member}").status_code == 403
    assert client.get(f"/tree?root={tree['outside']}").status_code == 403


def test_finding_a_member_opens_the_way_down_to_them(
        client: FlaskClient, web_store: GraphStore, tree: dict[str, str]) -> None:
    sign_in(client, token(web_store, "admin"))
    snap = snapshots.current(web_store, web_store.config.data_dir)
    deepest = max(range(snap.members), key=lambda i: (int(snap.depth[i]), -i))
    focus = str(snap.ids[deepest])
    root = str(snap.ids[int(snap.root[deepest])])
    levels = tree_data(client.get(f"/tree?root={root}&focus={focus}"))["levels"]
    chain = [m.id for m in downline.upline_from(snap, focus).chain]
    assert [lv["node"]["id"] for lv in levels] == chain
    for upper, lower in itertools.pairwise(levels):  # each step down is among the opened
        assert lower["node"]["id"] in {c["id"] for c in upper["children"]}
    r = client.get(f"/tree?root={tree['outside']}&focus={focus}")
    assert r.status_code == 400 and "不在" in text(r)


def test_the_trees_data_needs_a_session(client: FlaskClient, tree: dict[str, str]) -> None:
    r = client.get(f"/tree/children?member={tree['root']}")
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "UNAUTHENTICATED"


# -- the member card -----------------------------------------------------------------------


def test_a_member_card_recounts_from_the_export_files(
        client: FlaskClient, web_store: GraphStore, network_dir: Path,
        tree: dict[str, str]) -> None:
    with open(network_dir / "purchases.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_promoter: dict[str, list[dict]] = {}
    for r in rows:
        by_promoter.setdefault(r["promoter_id"], []).append(r)
    member = max((m for m in by_promoter if m), key=lambda m: (len(by_promoter[m]), m))
    sign_in(client, token(web_store, "admin"))
    page = client.get(f"/member/{member}")
    assert page.status_code == 200
    words = text(page)
    with create_app(web_store.config, store=web_store).test_request_context():
        settled = yuan(sum(int(r["commission"] or 0) for r in by_promoter[member]
                           if r["status"] == "settled"))
        pending = yuan(sum(int(r["commission"] or 0) for r in by_promoter[member]
                           if r["status"] == "paid"))
        counted = [r for r in rows if r["status"] in ("paid", "settled")]
        sold = yuan(sum(int(r["amount"]) for r in counted if r["promoter_id"] == member))
        bought = yuan(sum(int(r["amount"]) for r in counted if r["buyer_id"] == member))
    assert f"已结算佣金 {settled}" in words and f"待结算：{pending}" in words
    assert f"累计销售额 {sold}" in words and f"累计购买：{bought}" in words
    last = max(r["at"] for r in counted if member in (r["promoter_id"], r["buyer_id"]))
    day = datetime.fromisoformat(last).astimezone(ZoneInfo("Asia/Shanghai")).date()
    assert f"最近活跃 {day}" in words
    newest = sorted(by_promoter[member], key=lambda r: (r["at"], r["order_id"]))[-1]
    assert newest["order_id"] in words  # the newest sale is listed


def test_an_organizer_sees_cards_in_their_team_only_and_no_upline(
        client: FlaskClient, web_store: GraphStore, tree: dict[str, str]) -> None:
    sign_in(client, token(web_store, "organizer", tree["organizer"]))
    card = client.get(f"/member/{tree['below']}")
    assert card.status_code == 200
    chain = re.search(r'<nav class="chain"[^>]*>(.*?)</nav>', card.get_data(as_text=True),
                      re.S).group(1)
    assert tree["organizer"] in chain and tree["root"] not in chain  # cut at the key's root
    for member in (tree["root"], tree["outside"], "no-such-member"):
        r = client.get(f"/member/{member}")
        assert r.status_code == 403 and "FORBIDDEN" in text(r), member


# -- conversion and influence ----------------------------------------------------------------


@pytest.mark.parametrize("split", ["trust", "level", "channel", "promoter"])
def test_the_conversion_page_shows_the_teams_funnel(
        client: FlaskClient, web_store: GraphStore, tree: dict[str, str],
        split: str) -> None:
    sign_in(client, token(web_store, "organizer", tree["root"]))
    page = client.get(f"/conversion?split={split}&period=last_month")
    assert page.status_code == 200
    snap = snapshots.current(web_store, web_store.config.data_dir)
    p = period("last_month", snap.latest, web_store.config.timezone)
    want = conversion.funnel_from(snap, p.window, group_by=split, root_id=tree["root"], top=20)
    words = text(page)
    assert f"分享 {want.overall.shares:,}" in words and f"点击 {want.overall.clicks:,}" in words
    rows = re.findall(r"<tr><td>([^<]*)</td><td>[^<]*</td><td>([\d,]+)</td>",
                      page.get_data(as_text=True))
    assert [int(c.replace(",", "")) for _, c in rows] == [g.clicks for g in want.groups]
    option = json.loads(unescape(re.search(r'id="funnel-data">(.*?)</script>',
                                           page.get_data(as_text=True), re.S).group(1)))
    assert option["series"][0]["data"] == [g.clicks for g in want.groups]


def test_the_influence_page_ranks_and_chooses_seeds_in_the_team(
        client: FlaskClient, web_store: GraphStore, tree: dict[str, str]) -> None:
    sign_in(client, token(web_store, "organizer", tree["root"]))
    page = client.get("/influence?seeds=3")
    assert page.status_code == 200
    snap = snapshots.current(web_store, web_store.config.data_dir)
    p = period("last_30", snap.latest, web_store.config.timezone)
    ranking = influence.rank_from(snap, p.window, top=20, root_id=tree["root"])
    listed = re.findall(r"<tr><td>\d+</td><td><a [^>]*>([^<]+)</a>", page.get_data(as_text=True))
    assert listed == [r.member for r in ranking.rows]
    chosen = influence.seeds_from(snap, p.window, k=3, root_id=tree["root"])
    assert [s.member for s in chosen.seeds] == re.findall(
        r"<li><a [^>]*>([^<]+)</a> · PageRank", page.get_data(as_text=True))
    assert client.get("/influence?seeds=21").status_code == 400
    assert client.get(f"/influence?root={tree['outside']}").status_code == 403
    assert client.get(f"/conversion?root={tree['outside']}").status_code == 403
    assert client.get("/conversion?split=weather").status_code == 400


# -- loads -----------------------------------------------------------------------------------


def test_only_admin_and_compliance_see_loads_and_only_admin_starts_them(
        client: FlaskClient, web_store: GraphStore, tree: dict[str, str]) -> None:
    sign_in(client, token(web_store, "organizer", tree["organizer"]))
    assert client.get("/loads").status_code == 403
    assert "数据导入" not in text(client.get("/team"))  # nor offered
    sign_in(client, token(web_store, "compliance"))
    page = client.get("/loads")
    assert page.status_code == 200 and "开始导入" not in text(page)
    assert "数据导入" in text(client.get("/team"))
    form_token = re.search(r'name="csrf_token" value="([^"]+)"',
                           page.get_data(as_text=True)).group(1)
    r = client.post("/loads", data={"csrf_token": form_token,
                                    "files": (io.BytesIO(b"member_id\nx\n"), "members.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 403


# -- GraphiQL and GraphQL on the session -------------------------------------------------------


def test_graphiql_is_local_and_asks_with_the_session(
        client: FlaskClient, web_store: GraphStore, tree: dict[str, str]) -> None:
    r = client.get("/graphql", headers={"Accept": "text/html"})
    assert r.status_code == 302 and r.headers["Location"] == "/graphiql"
    assert client.get("/graphiql").status_code == 302  # sign in first
    sign_in(client, token(web_store, "organizer", tree["organizer"]))
    page = client.get("/graphiql").get_data(as_text=True)
    assert "unpkg" not in page and "cdn" not in page.lower()
    for asset in re.findall(r'(?:src|href)="(/assets/[^"]+)"', page):
        assert client.get(asset).status_code == 200, asset
    csrf_token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    query = {"query": "{ me { role memberId } }"}
    ok = client.post("/graphql", json=query, headers={"X-CSRFToken": csrf_token})
    assert ok.get_json()["data"]["me"] == {"role": "ORGANIZER", "memberId": tree["organizer"]}
    # the cookie alone (another site's form or script) asks nothing
    bare = client.post("/graphql", json=query)
    assert bare.status_code == 403 and bare.get_json()["errors"][0]["extensions"]["code"] == \
        "FORBIDDEN"
    forged = client.post("/graphql", json=query, headers={"X-CSRFToken": "forged"})
    assert forged.status_code == 403
    # the session's scope holds: another team is refused, as for the key itself
    asked = {"query": "query($id: ID!) { member(id: $id) { id } }",
             "variables": {"id": tree["outside"]}}
    other = client.post("/graphql", json=asked, headers={"X-CSRFToken": csrf_token}).get_json()
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_finding_a_member_by_a_platform_account(
        client: FlaskClient, web_store: GraphStore, network_dir: Path,
        tree: dict[str, str]) -> None:
    with open(network_dir / "accounts.csv", newline="", encoding="utf-8") as f:
        accounts = {r["member_id"]: r["account_id"] for r in csv.DictReader(f)}
    mine, theirs = accounts[tree["below"]], accounts[tree["outside"]]
    sign_in(client, token(web_store, "organizer", tree["organizer"]))
    levels = tree_data(client.get(f"/tree?focus={mine}"))["levels"]
    assert levels[-1]["node"]["id"] == tree["below"]  # the account's owner, opened
    r = client.get(f"/tree?focus={theirs}")
    assert r.status_code == 403 and "FORBIDDEN" in text(r)  # another team's: as unknown
    assert client.get("/tree?focus=no-such-account").status_code == 403
    sign_in(client, token(web_store, "admin"))
    assert client.get("/tree?focus=no-such-account").status_code == 404
