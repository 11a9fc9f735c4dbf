"""The web app in a real browser (headless chromium) against ``refnet serve`` on
loopback, on the 2,000-member synthetic network: a team leader signs in, sees the team
and its chart, opens the tree three levels down, finds who went quiet and exports them
to Excel, in Chinese (and English by choice), and nothing leaves the machine; a
compliance officer makes the largest organization's case file and opens it.

Screenshots of each page go to ``out/screenshots/`` in the repository (ignored by git,
kept after the run as CI's artifact; ``REFNET_SCREENSHOTS`` names another directory),
to be looked at.

FalkorDB only, by choice: what the browser adds (drawing, scripts under the CSP,
downloads, cookies, no other host) does not depend on the store, and the numbers the
pages show come from the same questions ``test_web.py`` (the same pages, through Flask's
test client) and ``test_api.py`` (through ``refnet serve``) check on FalkorDB and on
Neo4j. Run on Neo4j too, all 10 passed, in about 65 s more beside the FalkorDB half's
50 (measured on 2 busy cores: ~20 s to load the network into Neo4j and serve it, ~20 s
for the influence page's seeds, the rest in the pages): too much for nothing new.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from refnet.api import keys
from refnet.api.web.auth import IDLE, LIFETIME
from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.graph.server import EmbeddedServer
from refnet.loaders import load
from refnet.queries import network
from refnet.queries import snapshot as snapshots
from tests.browser import chromium
from tests.graphs import HASHER
from tests.serving import serving

sync_api = pytest.importorskip("playwright.sync_api")


class Site:
    def __init__(self, url: str, config: Config, shots: Path) -> None:
        self.url, self.config, self.shots = url, config, shots

    def key(self, role: str, member: str | None = None) -> str:
        with open_store(self.config) as store:
            return keys.create(store, role, member_id=member).token


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, network_dir: Path) -> Iterator[Site]:
    data = tmp_path_factory.mktemp("web-data")
    config = Config.from_env(env={}, data_dir=data)
    server = EmbeddedServer(config)
    server.start()
    try:
        with open_store(config) as store:
            load.load_paths(store, [network_dir], hasher=HASHER)
        with serving(config, workers=2) as url:
            shots = Path(os.environ.get("REFNET_SCREENSHOTS")
                         or Path(__file__).parents[2] / "out" / "screenshots")
            shutil.rmtree(shots, ignore_errors=True)
            shots.mkdir(parents=True)
            yield Site(url, config, shots)
            print(f"\nscreenshots of the web app: {shots}")
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    path, why = chromium()
    if path is None:
        pytest.skip(why)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser: object, site: Site) -> Iterator[object]:
    """A fresh browser context; a request to any host but the server's is refused and
    recorded, and so is every console error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    pg = context.new_page()
    pg.outside, pg.errors = [], []
    here = urlsplit(site.url).netloc

    def route(r: object) -> None:
        if urlsplit(r.request.url).netloc == here or r.request.url.startswith("data:"):
            r.continue_()
        else:
            pg.outside.append(r.request.url)
            r.abort()

    pg.route("**/*", route)
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()


def sign_in(page: object, site: Site, key: str) -> None:
    page.goto(f"{site.url}/team")
    assert "/signin" in page.url
    page.fill("#key", key)
    page.click("form[action='/signin'] button[type=submit]")
    page.wait_for_url(re.compile(r"/team"))


def clean(page: object) -> None:
    assert page.errors == [] and page.outside == []


def test_a_team_leader_signs_in_and_reads_the_team(page: object, site: Site) -> None:
    with open_store(site.config) as store:
        root = network.summary(store, top=1).largest[0].root
    sign_in(page, site, site.key("organizer", root))
    page.wait_for_selector("#levels-chart[data-drawn] canvas")
    assert page.locator("h1").inner_text() == "我的团队"
    assert page.locator("text=团队人数").count() == 1
    page.screenshot(path=site.shots / "team-zh.png", full_page=True)

    page.click("a[hreflang=en]")
    page.wait_for_selector("#levels-chart[data-drawn] canvas")
    assert page.locator("h1").inner_text() == "My team"
    page.screenshot(path=site.shots / "team-en.png", full_page=True)
    page.goto(f"{site.url}/team?lang=zh")
    clean(page)


def test_the_tree_opens_three_levels_down(page: object, site: Site) -> None:
    with open_store(site.config) as store:
        root = network.summary(store, top=1).largest[0].root
        snap = snapshots.current(store, site.config.data_dir)
    sign_in(page, site, site.key("organizer", root))
    page.goto(f"{site.url}/tree")
    page.wait_for_selector("#tree-chart[data-drawn] canvas")
    p = snap.position(root)
    member, opened = root, []
    for _ in range(3):  # each time the member with the largest team among those shown
        kids = [i for i in range(p + 1, p + int(snap.size[p])) if snap.parent[i] == p]
        p = max(kids, key=lambda i: (int(snap.size[i]), -i))
        member = str(snap.ids[p])
        shown = page.evaluate("id => document.getElementById('tree-chart').openMember(id)",
                              member)
        assert shown is not None, member
        opened.append(member)
    assert page.locator("#tree-detail h2").inner_text() == opened[-1]
    page.screenshot(path=site.shots / "tree.png", full_page=True)
    clean(page)


def test_who_went_quiet_exports_to_excel(page: object, site: Site) -> None:
    with open_store(site.config) as store:
        root = network.summary(store, top=1).largest[0].root
    sign_in(page, site, site.key("organizer", root))
    page.click("a.kpi:has-text('流失')")
    page.wait_for_url(re.compile(r"/members\?.*state=churned"))
    summary = page.locator("p.summary").inner_text()
    matched = int(re.search(r"符合条件 ([\d,]+) 人", summary).group(1).replace(",", ""))
    assert matched > 0
    page.screenshot(path=site.shots / "members.png", full_page=True)
    with page.expect_download() as got:
        page.click("text=导出 Excel")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(got.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "成员" and len(rows) - 1 == matched
    assert all("流失" in r[5] for r in rows[1:])  # the state column says why each is there
    clean(page)


def test_every_other_page_renders_and_draws(page: object, site: Site) -> None:
    """The member card, conversion, influence (with seeds asked for), and, for an admin,
    the loads and one load's report: each renders in Chinese, draws its chart, logs no
    error and asks nothing of another host."""
    with open_store(site.config) as store:
        root = network.summary(store, top=1).largest[0].root
    sign_in(page, site, site.key("organizer", root))
    visits = [(f"/member/{root}", None, "member"),
              ("/conversion?group=trust", "#funnel-chart[data-drawn] canvas", "conversion"),
              ("/influence?seeds=3", "#influence-chart[data-drawn] canvas", "influence")]
    for path, drawn, name in visits:
        assert page.goto(f"{site.url}{path}").status == 200, path
        if drawn:
            page.wait_for_selector(drawn)
        assert re.search(r"[\u4e00-\u9fff]", page.locator("h1").inner_text()), path
        page.screenshot(path=site.shots / f"{name}.png", full_page=True)
    assert page.locator("text=种子成员").count() >= 1
    clean(page)
    page.click("text=退出")
    sign_in(page, site, site.key("admin"))
    assert page.goto(f"{site.url}/loads").status == 200
    page.screenshot(path=site.shots / "loads.png", full_page=True)
    page.click("table a[href^='/loads/']")
    page.wait_for_url(re.compile(r"/loads/[^/]+$"))
    assert page.locator("text=被拒收的行").count() >= 1
    page.screenshot(path=site.shots / "load.png", full_page=True)
    clean(page)


def test_another_team_is_403_and_forms_need_their_token(page: object, site: Site) -> None:
    with open_store(site.config) as store:
        two = network.summary(store, top=2).largest
    sign_in(page, site, site.key("organizer", two[0].root))
    for path in (f"/team?root={two[1].root}", f"/members?root={two[1].root}",
                 f"/tree?focus={two[1].root}"):
        r = page.goto(f"{site.url}{path}")
        assert r.status == 403 and "FORBIDDEN" in page.content(), path
    page.screenshot(path=site.shots / "forbidden.png")
    r = page.request.post(f"{site.url}/signout")  # no CSRF token
    assert r.status == 400
    assert page.goto(f"{site.url}/team").status == 200  # still signed in
    page.click("text=退出")
    page.wait_for_url(re.compile(r"/signin"))
    page.screenshot(path=site.shots / "signin.png")
    assert page.goto(f"{site.url}/team").url.startswith(f"{site.url}/signin")


def test_a_revoked_key_ends_the_session(page: object, site: Site) -> None:
    with open_store(site.config) as store:
        made = keys.create(store, "admin")
    sign_in(page, site, made.token)
    with open_store(site.config) as store:
        keys.revoke(store, made.key.id)
    page.goto(f"{site.url}/team")
    assert "/signin" in page.url
    assert "密钥已失效" in page.inner_text(".note")


@pytest.mark.parametrize(("idle", "age"), [(IDLE + 60, 0), (60, LIFETIME + 60)])
def test_a_session_ends_idle_or_old(page: object, site: Site, idle: int, age: int) -> None:
    """The browser's own session cookie, signed again by the data dir's secret with its
    clock turned back (the server's clock is the real one): the next page is the sign-in
    page, saying why, and signing in again returns to the page asked for."""
    token = site.key("organizer", "m0001")
    sign_in(page, site, token)
    page.goto(f"{site.url}/members?state=inactive")
    app = Flask("aged")
    app.secret_key = bytes.fromhex((site.config.data_dir / "web" / "secret").read_text())
    signer = SecureCookieSessionInterface().get_signing_serializer(app)
    cookie = next(c for c in page.context.cookies() if c["name"] == "refnet_session")
    data = signer.loads(cookie["value"])
    now = time.time()
    data.update(seen=now - idle, started=min(data["started"], now - age) - idle)
    page.context.add_cookies([{**cookie, "value": signer.dumps(data)}])
    page.goto(f"{site.url}/members?state=inactive")
    assert "/signin" in page.url and "ended=expired" in page.url
    assert "登录已过期" in page.inner_text(".note")
    page.screenshot(path=site.shots / "session-ended.png")
    page.fill("#key", token)
    page.click("form[action='/signin'] button[type=submit]")
    page.wait_for_url(re.compile(r"/members\?state=inactive"))
    clean(page)


def test_a_compliance_officer_makes_and_opens_a_case_file(page: object, site: Site) -> None:
    """合规案卷: the form says it is working while the file is made, the list names the
    new file, and the file opens with the relationship chart drawn."""
    with open_store(site.config) as store:
        root = network.summary(store, top=1).largest[0].root
    sign_in(page, site, site.key("compliance"))
    page.click("header a[href='/casefiles']")
    page.wait_for_url(re.compile(r"/casefiles$"))
    assert page.locator("h1").inner_text() == "合规案卷"
    assert page.input_value("input[name=root_id]") == root  # the largest is offered first
    page.select_option("select[name=format]", "html")
    # what the button shows once the form is sent, kept for after the page has changed
    page.evaluate("""() => document.getElementById('casefile-form').addEventListener(
        'submit', () => setTimeout(() => {
            const b = document.querySelector('#casefile-form button[type=submit]');
            sessionStorage.setItem('busy', JSON.stringify(
                [b.disabled, b.classList.contains('busy'), b.textContent]));
        }, 0))""")
    with page.expect_navigation():
        page.click("#casefile-form button[type=submit]")
    assert json.loads(page.evaluate("sessionStorage.getItem('busy')")) == [
        True, True, "正在生成案卷…"]  # disabled, spinning, saying so: no second send
    made = re.search(r"made=(CF-\d{8}-[0-9a-f]{8})", page.url).group(1)
    assert page.locator(f"tr.made a:has-text('{made}')").count() == 1
    page.screenshot(path=site.shots / "casefiles.png", full_page=True)
    clean(page)
    page.click(f"tr.made a:has-text('{made}')")
    page.wait_for_url(re.compile(f"/casefiles/{made}$"))
    assert page.locator("svg.relationship").count() == 1
    assert "合规案卷" in page.locator(".cover").inner_text()
    clean(page)
    page.screenshot(path=site.shots / "casefile.png")
    page.locator("svg.relationship").screenshot(path=site.shots / "casefile-chart.png")


def test_graphiql_runs_a_query_with_the_session(page: object, site: Site) -> None:
    sign_in(page, site, site.key("compliance"))
    page.goto(f"{site.url}/graphql")  # a browser on the endpoint lands on GraphiQL
    page.wait_for_selector("#graphiql[data-ready] .graphiql-container")
    page.click(".graphiql-execute-button")
    page.wait_for_selector(".result-window:has-text('COMPLIANCE')")  # CSP: no eval
    page.screenshot(path=site.shots / "graphiql.png")
    clean(page)
