"""The compliance case file end to end on a hand-built network: made as HTML and as PDF
from one template, kept under the data dir, sealed, verified, refused when changed."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from refnet.api import casefile, language
from refnet.api.casefile import kept, seal
from refnet.api.cli import main
from refnet.graph import times
from refnet.graph.falkordb_store import FalkorDBStore
from refnet.graph.store import GraphStore
from refnet.queries.compliance import CaseFileParams
from tests.browser import cjk_fonts
from tests.graphs import Network
from tests.integration.test_compliance import organization

AS_OF = "2026-03-01T00:00:00Z"


@pytest.fixture
def network(store: GraphStore, tmp_path: Path) -> GraphStore:
    """``boss`` organizes 32 people in 5 levels, sells tea (no entry package) and
    ``boss.2.0`` is paid commission 3 levels down; ``solo`` stays small."""
    return load_network(store, tmp_path)


@pytest.fixture
def embedded_network(falkordb_store: FalkorDBStore, tmp_path: Path) -> GraphStore:
    """The same network on the embedded store alone: the command line reaches a graph by
    ``--data-dir`` and ``REFNET_GRAPH``, as the tests' embedded server keeps it (the
    Neo4j half of the command line is the same code after ``open_store``)."""
    return load_network(falkordb_store, tmp_path)


def load_network(store: GraphStore, tmp_path: Path) -> GraphStore:
    net = Network()
    organization(net, "boss", [9, 20])
    net.chain("boss.3.0", "d4", "d5")
    net.product("tea", price=10_000)
    net.purchase("order-deep-1", buyer="d5", promoter="boss.2.0", product="tea",
                 amount=12_345, commission=1_234, day=20)  # 3 levels up: flagged
    net.purchase("order-near", buyer="boss.3.0", promoter="boss.2.0", product="tea",
                 amount=10_000, commission=1_000, day=21)  # 1 level up: allowed
    net.member("solo", day=2)
    net.load(store, tmp_path / "net")
    return store


def make(store: GraphStore, fmt: str, lang: str = "zh", root: str = "boss", **asked: object
         ) -> tuple[kept.Record, Path]:
    params = CaseFileParams(root_id=root, as_of=AS_OF, **asked)
    return casefile.make(store, params, fmt=fmt, data_dir=store.config.data_dir,
                         made_by="cli", zone="Asia/Shanghai", lang=lang)


def test_the_html_case_file_states_what_it_rests_on_and_every_chain(
        network: GraphStore) -> None:
    record, path = make(network, "html")
    page = path.read_text()
    assert record.id in page and record.root == "boss" and record.format == "html"
    assert "<html lang=\"zh-CN\">" in page and "合规案卷" in page
    assert "boss 的组织" in page
    # the flags, with the chain of the commission paid three levels down in full
    assert "PYRAMID_THRESHOLD" in page and "COMMISSION_DEPTH" in page
    assert "boss.2.0 → boss.3.0 → d4 → d5" in page
    # the order behind it: id, platform, time in China, amount, commission, buyer
    row = re.search(r"<tr><td><code>order-deep-1</code></td>(.*?)</tr>", page).group(1)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    assert cells == ["taobao", "2026-01-21 08:00", "¥123.45", "¥12.34", "d5", "3"]
    assert "order-near" not in page  # one level up: no flag, no evidence
    # the 2013 opinion: the first tier, and only team remuneration by sales
    assert "已达到《意见》规定的立案标准（第一条）" in page
    assert "不属于犯罪模式（第五条）" in page and "第五条" in page
    assert "（公通字〔2013〕37号）第一条第一款" in page
    # the 32 people per level, organizer first
    assert "<td>1</td><td>9</td><td>20</td><td>1</td><td>1</td><td><strong>32</strong>" in page
    # the answer inside, as JSON whose SHA-256 the cover states
    content = re.search(r'<script type="application/json" id="casefile-data">(.*?)</script>',
                        page, re.S).group(1)
    answer = json.loads(content)
    text = json.dumps(answer, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert hashlib.sha256(text.encode()).hexdigest() in page
    assert answer["root"] == "boss"
    assert answer["report"]["data_version"] == record.data_version
    assert answer["assessment"]["tier"] == "threshold"
    assert answer["assessment"]["pattern"] == "team_remuneration"
    # the relationship chart: every member once, drawn or counted in a box
    svg = re.search(r"<svg .*?</svg>", page, re.S).group(0)
    drawn = svg.count('<g class="node')
    boxed = sum(int(n.replace(",", "")) for n in re.findall(r"<text[^>]*>\+([\d,]+)</text>", svg))
    assert drawn + boxed == answer["chart"]["people"] == 32
    # the loads, and the instant in China time (2026-03-01 00:00 UTC is 08:00 there)
    assert "2026-03-01 08:00" in page and "Asia/Shanghai" in page
    assert kept.listing(network.config.data_dir)[0] == record
    assert casefile.verify(path.read_bytes(), network.config.data_dir).record == record


def test_what_if_commission_stopped_at_two_levels(network: GraphStore) -> None:
    """boss.2.0's ¥12.34 on d5's order, three levels down, is paid to nobody (the ¥10.00
    one level down stays); sent up the line instead it goes to d5's upline two levels
    up, boss.3.0."""
    _, path = make(network, "html", whatif_levels=2)
    page = path.read_text()
    assert "假设情形： 佣金最多向上 2 层" in page
    losers = page[page.index("收入减少最多的成员"):]
    assert re.search(r"<td>boss\.2\.0</td><td[^>]*>2</td><td[^>]*>¥22\.34</td>"
                     r"<td[^>]*>¥10\.00</td><td[^>]*>-¥12\.34</td>", losers)
    _, path = make(network, "html", whatif_levels=2, whatif_beyond="upline")
    gainers = path.read_text()
    gainers = gainers[gainers.index("收入增加最多的成员"):]
    assert re.search(r"<td>boss\.3\.0</td><td[^>]*>3</td><td[^>]*>¥0\.00</td>"
                     r"<td[^>]*>¥12\.34</td><td[^>]*>¥12\.34</td>", gainers)


def test_english_by_choice(network: GraphStore) -> None:
    _, path = make(network, "html", lang="en")
    page = path.read_text()
    assert "<html lang=\"en\">" in page and "Compliance case file" in page
    assert "合规案卷" not in page


def test_the_pdf_is_the_same_document(network: GraphStore) -> None:
    why = cjk_fonts()
    if why:
        pytest.skip(why)
    pypdf = pytest.importorskip("pypdf")
    record, path = make(network, "pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and seal.check(data).sha256 == record.sha256
    pdf = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert record.id in text and "合规案卷" in text and "COMMISSION_DEPTH" in text
    assert "order-deep-1" in text and "公通字〔2013〕37号" in text and "传销人员关系图" in text
    attached = pdf.attachments["casefile.json"][0].decode()
    assert hashlib.sha256(attached.encode()).hexdigest() in pdf.metadata["/Keywords"]
    assert json.loads(attached)["root"] == "boss"


def test_verify_refuses_a_changed_byte_and_knows_what_it_made(
        network: GraphStore, tmp_path: Path) -> None:
    record, path = make(network, "html")
    data = path.read_bytes()
    assert casefile.verify(data, network.config.data_dir).record == record
    changed = bytearray(data)
    changed[len(data) // 2] ^= 1
    with pytest.raises(seal.Broken):
        casefile.verify(bytes(changed), network.config.data_dir)
    elsewhere = tmp_path / "other-data-dir"
    assert casefile.verify(data, elsewhere).record is None  # whole, but not made there


def test_the_cli_makes_verifies_and_lists(embedded_network: GraphStore, tmp_path: Path
                                          ) -> None:
    network = embedded_network
    def refnet(*args: str) -> object:
        try:
            return CliRunner().invoke(main, ["--data-dir", str(network.config.data_dir),
                                             "--lang", "en", *args], catch_exceptions=False,
                                      env={"REFNET_GRAPH": network.config.graph})
        finally:
            times.show_in("UTC")
            language.use("en")

    out = tmp_path / "boss.html"
    made = refnet("report", "compliance", "boss", "--as-of", "2026-03-01",
                  "--out", str(out))
    assert made.exit_code == 0, made.output
    case_id = re.search(r"case file (CF-\d{8}-[0-9a-f]{8})", made.output).group(1)
    ok = refnet("report", "verify", str(out))
    assert ok.exit_code == 0 and "unchanged" in ok.output and case_id in ok.output
    assert case_id in refnet("report", "list").output
    out.write_bytes(out.read_bytes().replace(b"boss", b"b0ss", 1))
    bad = refnet("report", "verify", str(out))
    assert bad.exit_code == 1 and "Error: the content changed" in bad.output
    assert "--whatif-levels" in refnet("report", "compliance", "--help").output
    missing = refnet("report", "compliance", "nobody", "--out", str(out))
    assert missing.exit_code == 1 and "no member 'nobody'" in missing.output
