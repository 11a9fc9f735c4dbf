"""``startLoad`` through a real ``refnet serve``: server files from the import directory,
uploads (the GraphQL multipart request spec), a background process followed through
``loadRun``, and the refusals: other roles, paths leading out, unknown files.

Every test runs on both backends (``served_store``): a load over the API into Neo4j is
what production does. The module's one store is the served one, also for the test
that builds the app in-process: a test of its own store would empty the one Neo4j
database under the served network."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from refnet.api import keys
from refnet.graph.config import Config
from refnet.graph.connect import open_store
from refnet.loaders import synthetic
from tests.conftest import served_store
from tests.graphs import Network
from tests.serving import serving

START = """
mutation Start($paths: [String!], $files: [Upload!], $maxBad: String) {
  startLoad(paths: $paths, files: $files, maxBad: $maxBad) {
    started
    run { id status profile }
  }
}"""
RUN = """query Run($id: ID!) {
  loadRun(id: $id) { id status records error counts startedAt finishedAt }
}"""


class Server:
    def __init__(self, url: str, config: Config, import_dir: Path, files: Path) -> None:
        self.url, self.config, self.import_dir = url, config, import_dir
        with open_store(config) as store:
            net = Network()
            net.member("org1")
            net.load(store, files)  # an organizer key needs its member
            self.tokens = {role: keys.create(store, role).token
                           for role in ("admin", "compliance")}
            self.tokens["organizer"] = keys.create(store, "organizer", member_id="org1").token

    def post(self, query: str, role: str = "admin", **variables: Any) -> dict[str, Any]:
        r = requests.post(self.url, json={"query": query, "variables": variables},
                          headers={"Authorization": f"Bearer {self.tokens[role]}"}, timeout=30)
        return r.json()

    def upload(self, *paths: Path) -> dict[str, Any]:
        """A startLoad with files, sent as the multipart request spec says."""
        operations = {"query": START, "variables": {"files": [None] * len(paths)}}
        mapping = {str(i): [f"variables.files.{i}"] for i in range(len(paths))}
        files = {str(i): (p.name, p.read_bytes(), "text/csv") for i, p in enumerate(paths)}
        r = requests.post(self.url, data={"operations": json.dumps(operations),
                                          "map": json.dumps(mapping)}, files=files,
                          headers={"Authorization": f"Bearer {self.tokens['admin']}"},
                          timeout=30)
        return r.json()

    def wait(self, run_id: str, timeout: float = 90) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            run = self.post(RUN, id=run_id)["data"]["loadRun"]
            if run["status"] in ("finished", "failed"):
                return run
            assert time.monotonic() < deadline, f"the load did not end: {run}"
            time.sleep(0.3)


@pytest.fixture(scope="module")
def server(backend: str, request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``refnet serve --import-dir`` over an empty store, on each backend."""
    import_dir = tmp_path_factory.mktemp("import")
    synthetic.generate(300, import_dir / "net", seed=5)
    with served_store(backend, request, tmp_path_factory.mktemp("loads-data")) as config, \
            serving(config, "--import-dir", str(import_dir)) as url:
        yield Server(f"{url}/graphql", config, import_dir, tmp_path_factory.mktemp("organizer"))


def _code(answer: dict[str, Any]) -> str:
    return answer["errors"][0]["extensions"]["code"]


def _members(config: Config) -> int:
    with open_store(config) as store:
        return int(store.run("network/counts").records()[0]["members"])


def test_a_server_file_loads_in_the_background_and_balances(server: Server) -> None:
    answer = server.post(START, paths=["net"])["data"]["startLoad"]
    assert answer["started"] is True
    assert answer["run"]["status"] in ("queued", "running", "finished")
    run = server.wait(answer["run"]["id"])
    assert run["status"] == "finished", run
    assert run["error"] is None
    lines = {p.stem: len(p.read_text(encoding="utf-8").splitlines()) - 1
             for p in (server.import_dir / "net").glob("*.csv")}
    assert run["records"] == sum(lines.values())
    counts = json.loads(run["counts"]) if isinstance(run["counts"], str) else run["counts"]
    for entity, c in counts.items():
        assert c["rows"] == c["written"] + c["duplicates"] + c["quarantined"], entity
    assert counts["members"]["written"] == lines["members"]
    assert _members(server.config) == lines["members"] + 1  # and the organizer's member
    assert run["finishedAt"] >= run["startedAt"]

    # The same files again: the same run id, and nothing new written.
    again = server.post(START, paths=["net"])["data"]["startLoad"]
    assert again["run"]["id"] == answer["run"]["id"]
    assert again["started"] is True  # the first run had ended: a new run, not "still loading"
    rerun = server.wait(again["run"]["id"])
    counts = rerun["counts"] if isinstance(rerun["counts"], dict) else json.loads(rerun["counts"])
    assert sum(c["written"] for c in counts.values()) == 0
    assert _members(server.config) == lines["members"] + 1


def test_an_upload_is_stored_once_and_loaded(server: Server, tmp_path: Path) -> None:
    members = tmp_path / "members.csv"
    members.write_text("member_id,referrer_id,platform,joined_at,status,tier\n"
                       "u1,,jd,2025-11-01T00:00:00Z,active,\n"
                       "u2,u1,jd,2025-11-02T00:00:00Z,active,\n", encoding="utf-8")
    answer = server.upload(members)
    assert "errors" not in answer, answer
    run = server.wait(answer["data"]["startLoad"]["run"]["id"])
    assert run["status"] == "finished", run
    assert run["records"] == 2
    second = server.upload(members)["data"]["startLoad"]["run"]["id"]
    assert second == run["id"]  # same name and bytes: the same load
    stored = list((server.config.data_dir / "uploads").glob("*/members.csv"))
    assert len(stored) == 1


def test_a_load_past_max_bad_fails_and_says_why(server: Server) -> None:
    bad = server.import_dir / "bad"
    bad.mkdir()
    with open(bad / "members.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["member_id", "referrer_id", "platform", "joined_at", "status", "tier"])
        for i in range(5):
            w.writerow([f"b{i}", "", "jd", "not a time", "active", ""])
    answer = server.post(START, paths=["bad"], maxBad="1")["data"]["startLoad"]
    run = server.wait(answer["run"]["id"])
    assert run["status"] == "failed"
    assert "past the limit of 1" in run["error"]


def _members_file(path: Path, rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["member_id", "referrer_id", "platform", "joined_at", "status", "tier"])
        writer.writerows(rows)


def test_referrals_a_started_load_refused_are_the_compliance_evidence(server: Server) -> None:
    """A load started through the API writes its quarantine under the data dir (not
    beside its files); the compliance report still finds the refused referrals there,
    through the path the run recorded."""
    from refnet.queries import compliance
    from refnet.queries.compliance import policy
    from refnet.queries.window import Window

    base = server.import_dir / "refused" / "base" / "members.csv"
    _members_file(base, [["qx", "", "taobao", "2025-01-01T00:00:00Z", "active", "m"],
                         ["qy", "qx", "taobao", "2025-01-02T00:00:00Z", "active", "m"],
                         ["qz", "qy", "taobao", "2025-01-03T00:00:00Z", "active", "m"],
                         ["qw", "", "taobao", "2025-01-04T00:00:00Z", "active", "m"]])
    more = server.import_dir / "refused" / "more" / "members.csv"
    _members_file(more, [["qy", "qw", "", "", "", ""],    # a second referrer (re-parenting)
                         ["qx", "qz", "", "", "", ""]])   # would close a cycle
    runs = []
    for name in ("refused/base", "refused/more"):
        answer = server.post(START, paths=[name])["data"]["startLoad"]
        runs.append(server.wait(answer["run"]["id"]))
        assert runs[-1]["status"] == "finished", runs[-1]
    counts = runs[1]["counts"]
    counts = counts if isinstance(counts, dict) else json.loads(counts)
    assert counts["referrals"]["quarantined"] == 2
    assert not list(more.parent.glob("*.bad.csv"))  # the quarantine is not beside the file

    with open_store(server.config) as store:
        report = compliance.report(store, policy.load("cn"),
                                   Window(0, 2_000_000_000_000), evidence_limit=50)
    [flag] = [f for f in report.flags if f.code == "REFUSED_REFERRALS"]
    assert ["qw", "qy"] in flag.evidence and ["qz", "qx"] in flag.evidence
    assert flag.numbers["quarantine_files_read"] >= 1
    assert flag.numbers["reason_second_referrer"] >= 1
    assert flag.numbers["reason_referral_cycle"] >= 1
    # the run records where its quarantine went (only for the run that refused rows)
    with open_store(server.config) as store:
        recorded = [store.execute("MATCH (l:LoadRun {id: $id}) RETURN l.quarantine",
                                  {"id": run["id"]}).scalar() for run in runs]
    loads = (Path(server.config.data_dir) / "loads").resolve()
    assert recorded == [None, str(loads / f"{runs[1]['id']}.bad.csv")]


@pytest.mark.parametrize(("paths", "code"), [
    (["../"], "BAD_USER_INPUT"),
    (["/etc/passwd"], "BAD_USER_INPUT"),
    (["net/../../"], "BAD_USER_INPUT"),
    (["nothing-here.csv"], "NOT_FOUND"),
    ([], "BAD_USER_INPUT"),
])
def test_paths_outside_the_import_dir_are_refused(server: Server, paths: list[str],
                                                  code: str) -> None:
    assert _code(server.post(START, paths=paths)) == code


def test_a_symlink_out_of_the_import_dir_is_refused(server: Server, tmp_path: Path) -> None:
    (tmp_path / "secret.csv").write_text("member_id\nx\n", encoding="utf-8")
    (server.import_dir / "link.csv").symlink_to(tmp_path / "secret.csv")
    assert _code(server.post(START, paths=["link.csv"])) == "BAD_USER_INPUT"


def test_an_unknown_profile_is_refused_before_anything_starts(server: Server) -> None:
    answer = server.post('mutation { startLoad(paths: ["net"], profile: "nope") { started } }')
    assert _code(answer) == "BAD_USER_INPUT"
    assert "unknown profile" in answer["errors"][0]["message"]


def test_load_mistakes_map_to_their_codes(server: Server) -> None:
    """startLoad no longer catches built-in errors: the loader's BadInput/NotFound map."""
    (server.import_dir / "no-data").mkdir(exist_ok=True)
    (server.import_dir / "no-data" / "readme.md").write_text("x", encoding="utf-8")
    answer = server.post(START, paths=["no-data"])
    assert _code(answer) == "NOT_FOUND"
    assert "no data files in" in answer["errors"][0]["message"]
    (server.import_dir / "odd.csv").write_text("colour,size\nred,9\n", encoding="utf-8")
    answer = server.post(START, paths=["odd.csv"])
    assert _code(answer) == "BAD_USER_INPUT"
    message = answer["errors"][0]["message"]
    assert message.startswith("odd.csv: no profile matches its header; closest: ")
    assert "colour" not in message  # the file's contents stay on the server


def test_a_symlink_inside_a_folder_does_not_lead_out(server: Server, tmp_path: Path) -> None:
    """A folder is expanded and each file resolved: a link to an outside file is refused."""
    (tmp_path / "secret.csv").write_text("member_id\nx\n", encoding="utf-8")
    folder = server.import_dir / "linked"
    folder.mkdir()
    (folder / "members.csv").symlink_to(tmp_path / "secret.csv")
    answer = server.post(START, paths=["linked"])
    assert _code(answer) == "BAD_USER_INPUT"
    assert answer["errors"][0]["message"] == ("'linked/members.csv' leads outside the "
                                              "import directory")


@pytest.mark.parametrize(("name", "content"), [
    ("unreadable.xlsx", b"PK\x03\x04 not really a workbook"),
    ("no-header.jsonl", b"[1, 2]\n"),
    ("odd-upload.csv", b"colour,size\nred,9\n"),
])
def test_load_refusals_name_no_server_path(server: Server, tmp_path: Path, name: str,
                                           content: bytes) -> None:
    (server.import_dir / name).write_bytes(content)
    (tmp_path / name).write_bytes(content)
    for answer in (server.post(START, paths=[name]), server.upload(tmp_path / name)):
        assert _code(answer) == "BAD_USER_INPUT", answer
        message = answer["errors"][0]["message"]
        assert "/" not in message and name in message and "colour" not in message, message


@pytest.mark.parametrize("role", ["compliance", "organizer"])
def test_only_admin_keys_start_loads(server: Server, role: str) -> None:
    assert _code(server.post(START, role=role, paths=["net"])) == "FORBIDDEN"


def test_a_bad_max_bad_is_refused(server: Server) -> None:
    answer = server.post(START, paths=["net"], maxBad="lots")
    assert _code(answer) == "BAD_USER_INPUT"


def test_an_upload_that_is_not_a_data_file_is_refused(server: Server, tmp_path: Path) -> None:
    script = tmp_path / "run.sh"
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    assert _code(server.upload(script)) == "BAD_USER_INPUT"


def test_a_body_past_the_upload_cap_is_413_limit_exceeded(server: Server) -> None:
    from refnet.api.app import create_app

    with open_store(server.config) as store:
        client = create_app(store.config, store=store, max_upload_bytes=1_000).test_client()
        operations = {"query": START, "variables": {"files": [None]}}
        headers = {"Authorization": f"Bearer {server.tokens['admin']}"}
        r = client.post("/graphql", headers=headers, data={
            "operations": json.dumps(operations), "map": json.dumps({"0": ["variables.files.0"]}),
            "0": (io.BytesIO(b"x" * 5_000), "members.csv")})
    assert r.status_code == 413
    assert r.get_json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"


def test_a_run_whose_process_died_reads_stopped(server: Server) -> None:
    """kill -9 leaves a run 'running'; a minute without its heartbeat says it stopped."""
    with open_store(server.config) as store:
        store.execute("CREATE (:LoadRun {id: 'load-dead', status: 'running', started_at: 1, "
                      "beat_at: timestamp() - 61000}), "
                      "(:LoadRun {id: 'load-alive', status: 'running', started_at: 2, "
                      "beat_at: timestamp()})", write=True)
    assert server.post(RUN, id="load-dead")["data"]["loadRun"]["status"] == "stopped"
    assert server.post(RUN, id="load-alive")["data"]["loadRun"]["status"] == "running"
    runs = server.post("{ loadRuns(last: 100) { id status } }")["data"]["loadRuns"]
    assert {r["id"]: r["status"] for r in runs}["load-dead"] == "stopped"
