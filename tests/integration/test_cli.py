"""The refnet command line, end to end: on a real embedded server in a temp data dir,
and, for the commands that read or write a store (load, query, keys, db status,
report), on the tests' Neo4j too, reached as an operator would (``--backend neo4j
--neo4j-uri``, the user and password in ``NEO4J_USER``/``NEO4J_PASSWORD``).

The rest run on the embedded store only, each for one reason: ``refnet demo`` and
``db start``/``db stop`` are the embedded server's own commands; the one-line errors,
profiles, ``--max-bad`` spelling and bad backend are refused before any store is
opened; and the tables' language and ``--tz`` are the command line's rendering of
answers the query-commands test checks on both backends.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from refnet.api import language
from refnet.api.cli import main
from refnet.graph import times
from refnet.graph.config import Config
from refnet.graph.server import EmbeddedServer
from tests import samples
from tests.conftest import neo4j_store


@pytest.fixture
def data_dir(tmp_path: Path):
    path = tmp_path / "data"
    yield path
    EmbeddedServer(Config.from_env(env={}, data_dir=path)).stop()


def refnet(data_dir: Path, *args: str, lang: str | None = "en",
           neo4j: Config | None = None) -> Result:
    """Run the CLI in ``lang`` (the tests read English unless they check the Chinese;
    None: the default), on the embedded store or on the Neo4j of ``neo4j``."""
    chosen = ["--lang", lang] if lang else []
    env = {"REFNET_LANG": "", "REFNET_BACKEND": "", "NEO4J_URI": "", "NEO4J_USER": "",
           "NEO4J_PASSWORD": "", "NEO4J_DATABASE": ""}
    store: list[str] = []
    if neo4j is not None:
        store = ["--backend", "neo4j", "--neo4j-uri", neo4j.neo4j_uri]
        env |= {"NEO4J_USER": neo4j.neo4j_user, "NEO4J_PASSWORD": neo4j.neo4j_password,
                "NEO4J_DATABASE": neo4j.neo4j_database}
    try:
        return CliRunner().invoke(main, [*store, "--data-dir", str(data_dir), *chosen, *args],
                                  catch_exceptions=False, env=env)
    finally:
        times.show_in("UTC")  # --tz chose the zone for this process; the next test's own
        language.use("en")  # and --lang the language


@dataclass
class Cli:
    """``refnet`` on one backend: the embedded store in ``data_dir``, or the tests' Neo4j
    (emptied for the test: it has one database) with ``data_dir`` for its files."""

    backend: str
    data_dir: Path
    neo4j: Config | None = None

    def __call__(self, *args: str, lang: str | None = "en") -> Result:
        return refnet(self.data_dir, *args, lang=lang, neo4j=self.neo4j)

    def counts(self) -> dict[str, int]:
        """What the store holds, from ``db status --json`` (the embedded server started
        first: status does not start one)."""
        if self.backend == "falkordb":
            self("db", "start")
        status = self("db", "status", "--json")
        assert status.exit_code == 0, status.output
        return json.loads(status.output)["counts"]


@pytest.fixture
def cli(backend: str, request: pytest.FixtureRequest, data_dir: Path) -> Cli:
    if backend == "falkordb":
        return Cli(backend, data_dir)
    request.getfixturevalue("_neo4j_schema")
    config = request.getfixturevalue("neo4j_config")
    neo4j_store(config, object()).close()  # the one database, emptied and this test's
    return Cli(backend, data_dir, config)


def test_demo_builds_then_reuses_then_rebuilds(data_dir: Path) -> None:
    first = refnet(data_dir, "demo", "--members", "400", "--seed", "3")
    assert first.exit_code == 0, first.output
    assert "Members" in first.output and "400" in first.output
    assert "Deepest chain" in first.output and "GMV" in first.output
    assert "¥" in first.output
    for heading in ("Downline health", "Compliance", "Influence", "Conversion"):
        assert heading in first.output, heading
    assert "PYRAMID_THRESHOLD" in first.output and "(0.75, 1]" in first.output
    assert EmbeddedServer(Config.from_env(env={}, data_dir=data_dir)).status() is None

    again = refnet(data_dir, "demo", "--members", "400")
    assert again.exit_code == 0
    assert "using the 400-member network already stored" in again.output

    fresh = refnet(data_dir, "demo", "--members", "300", "--fresh")
    assert fresh.exit_code == 0
    assert "already stored" not in fresh.output
    status = json.loads(refnet(data_dir, "db", "start").output and
                        refnet(data_dir, "db", "status", "--json").output)
    assert status["running"] is True
    assert status["counts"]["members"] == 300


def test_db_start_twice_says_already_running_and_stop_keeps_data(data_dir: Path) -> None:
    assert "started FalkorDB" in refnet(data_dir, "db", "start").output
    second = refnet(data_dir, "db", "start")
    assert second.exit_code == 0 and "already running" in second.output
    assert "stopped" in refnet(data_dir, "db", "stop").output
    assert "not running" in refnet(data_dir, "db", "status").output
    assert "no server running" in refnet(data_dir, "db", "stop").output


def test_generate_then_load_twice_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "net"
    generated = cli("generate", "--members", "300", "--out", str(out))
    assert generated.exit_code == 0, generated.output
    assert (out / "members.csv").is_file()
    first = cli("load", str(out))
    assert first.exit_code == 0, first.output
    assert "total" in first.output
    before = cli.counts()
    second = cli("load", str(out))
    assert second.exit_code == 0
    assert cli.counts() == before
    assert before["members"] == 300


def test_bad_rows_are_quarantined_with_reasons(cli: Cli, data_dir: Path,
                                               tmp_path: Path) -> None:
    out = tmp_path / "net"
    out.mkdir()
    with open(out / "members.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["member_id", "referrer_id", "platform", "joined_at", "status", "tier"])
        w.writerow(["a", "", "taobao", "2025-01-01T00:00:00Z", "active", "member"])
        w.writerow(["b", "a", "taobao", "last tuesday", "active", "member"])
        w.writerow(["", "a", "taobao", "2025-01-02T00:00:00Z", "active", "member"])
        w.writerow(["c", "a", "taobao", "2025-01-03T00:00:00Z", "active", "member"])
    result = cli("load", str(out))
    assert result.exit_code == 0, result.output
    assert not list(out.glob("*.bad.csv"))  # never among the inputs: it would block a reload
    [bad_file] = (data_dir / "loads").glob("*.bad.csv")
    assert bad_file.name in "".join(result.output.split())
    with open(bad_file, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["line"], r["code"]) for r in rows] == [
        ("3", "bad_value"), ("4", "missing_required"),
    ]
    assert "last tuesday" in rows[0]["reason"]
    (out / bad_file.name).write_bytes(bad_file.read_bytes())  # as an older refnet left it
    again = cli("load", str(out))
    assert again.exit_code == 0, again.output
    counts = cli.counts()
    assert counts["members"] == 2 and counts["organizations"] == 1


def test_errors_are_one_line_and_exit_1(data_dir: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = refnet(data_dir, "load", str(empty))
    assert result.exit_code == 1
    assert result.output.startswith("Error: no data files in")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["start", "stop"])
def test_db_start_and_stop_refuse_a_neo4j_config(data_dir: Path, command: str) -> None:
    """They run the embedded server, which a Neo4j config would not read: no FalkorDB
    is started or stopped behind an operator's back (no Neo4j need listen here)."""
    config = Config.from_env(env={}, backend="neo4j", neo4j_uri="bolt://127.0.0.1:9")
    result = refnet(data_dir, "db", command, neo4j=config)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: refnet db {command} runs the embedded FalkorDB")
    assert "bolt://127.0.0.1:9" in result.output
    assert EmbeddedServer(Config.from_env(env={}, data_dir=data_dir)).status() is None


def test_load_mistakes_are_one_line_errors(data_dir: Path, tmp_path: Path) -> None:
    """Each user mistake in a load is refnet's BadInput/NotFound, shown as one line."""
    members = tmp_path / "members.csv"
    members.write_text("member_id,referrer_id,platform,joined_at,status,tier\nm1,,,,,\n",
                       encoding="utf-8")
    odd = tmp_path / "odd" / "orders.csv"
    odd.parent.mkdir()
    odd.write_text("colour,size\nred,9\n", encoding="utf-8")
    bad_profiles = tmp_path / "bad-profiles"
    bad_profiles.mkdir()
    (bad_profiles / "x.toml").write_text('name = "x"\ndetect = [', encoding="utf-8")
    cases = [
        (["load", str(members), "--profile", "nope"], "Error: unknown profile 'nope'; known:"),
        (["load", str(odd)], f"Error: {odd}: no profile matches the header [colour, size]"),
        (["load", str(members), "--profile-dir", str(bad_profiles)],
         f"Error: profile {bad_profiles / 'x.toml'}: not valid TOML"),
    ]
    for args, start in cases:
        result = refnet(data_dir, *args)
        assert result.exit_code == 1, (args, result.output)
        assert result.output.startswith(start), (args, result.output)
        assert len(result.output.strip().splitlines()) == 1, result.output
    result = CliRunner().invoke(main, ["profiles", "--profile-dir", str(bad_profiles)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: profile {bad_profiles / 'x.toml'}: not valid TOML")


def test_a_bug_is_not_turned_into_a_one_line_error(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ValueError from a bug is not a user's mistake: it must surface, not read 'Error:'."""
    from refnet.loaders import load as loading

    def broken(*_args: object, **_kw: object) -> None:
        raise ValueError("a bug in the loader")

    monkeypatch.setattr(loading, "plan_files", broken)
    (tmp_path / "members.csv").write_text("member_id\nm1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "load",
                                       str(tmp_path / "members.csv")])
    assert isinstance(result.exception, ValueError)
    assert str(result.exception) == "a bug in the loader"
    assert "Error: a bug in the loader" not in result.output
    with pytest.raises(ValueError, match="a bug in the loader"):
        refnet(data_dir, "load", str(tmp_path / "members.csv"))


def test_profiles_lists_builtins_and_user_profiles(data_dir: Path, tmp_path: Path) -> None:
    from refnet.loaders import profiles

    user = tmp_path / "profiles"
    user.mkdir()
    text = (profiles.builtin_dir() / "jd-union.toml").read_text(encoding="utf-8")
    (user / "my-jd.toml").write_text(text.replace('name = "jd-union"', 'name = "my-jd"'),
                                     encoding="utf-8")
    result = CliRunner().invoke(main, ["profiles", "--profile-dir", str(user)])
    assert result.exit_code == 0, result.output
    for name in ("taobao-console", "pdd-jinbao", "jd-union", "youzan-distributors", "my-jd"):
        assert name in result.output


def test_max_bad_exits_non_zero_and_says_so(cli: Cli, tmp_path: Path) -> None:
    samples.write_sample("jd-union", tmp_path / "jd.csv", rows=5, bad_rows=3)
    result = cli("load", str(tmp_path / "jd.csv"), "--max-bad", "1")
    assert result.exit_code == 1
    assert "past the limit of 1" in result.output
    bad = cli("load", str(tmp_path / "jd.csv"), "--max-bad", "x")
    assert bad.exit_code == 2  # a usage error, like any bad option value
    assert "Invalid value for '--max-bad': 'x': give a count (50) or a percentage (5%)" \
        in bad.output


def test_bad_backend_is_a_usage_error(data_dir: Path) -> None:
    result = CliRunner().invoke(main, ["--backend", "mysql", "db", "status"])
    assert result.exit_code == 2


def test_keys_create_list_revoke(cli: Cli, tmp_path: Path) -> None:
    members = tmp_path / "members.csv"
    members.write_text("member_id,referrer_id\nboss,\nlead,boss\n", encoding="utf-8")
    assert cli("load", str(members)).exit_code == 0

    made = cli("keys", "create", "--role", "organizer", "--member", "lead",
                  "--name", "Lead")
    assert made.exit_code == 0, made.output
    token = made.output.strip().splitlines()[-1]
    key_id = token.split("_")[1]
    assert token.startswith(f"rn_{key_id}_") and "downline of lead" in made.output

    listed = cli("keys", "list", "--json")
    assert listed.exit_code == 0
    [row] = json.loads(listed.output)
    assert (row["id"], row["role"], row["member_id"], row["revoked_at"]) == (
        key_id, "organizer", "lead", None)
    assert token not in listed.output and "hash" not in row

    assert "revoked organizer key" in cli("keys", "revoke", key_id).output
    assert "revoked" in cli("keys", "list").output

    missing = cli("keys", "create", "--role", "organizer", "--member", "ghost")
    assert missing.exit_code == 1 and "Error: no member 'ghost'" in missing.output


def test_query_commands_print_tables_or_json(cli: Cli, tmp_path: Path) -> None:
    files = tmp_path / "files"
    assert cli("generate", "--members", "300", "--out", str(files), "--load",
                  "--seed", "5").exit_code == 0
    shown = cli("query", "downline", "m001", "--max-depth", "3", "--top", "2")
    assert shown.exit_code == 0, shown.output
    assert "Downline of m001" in shown.output and "Per level" in shown.output
    as_json = json.loads(cli("query", "downline", "m001", "--json").output)
    assert as_json["root"] == "m001" and as_json["levels"][0]["members"] == 1
    assert as_json["size"] == sum(level["members"] for level in as_json["levels"][1:])
    chain = json.loads(cli("query", "upline", "m300", "--json").output)["chain"]
    assert chain[-1]["id"] == "m300" and chain[0]["level"] == 0

    report = json.loads(cli("query", "compliance", "--json").output)
    assert report["policy"]["name"] == "cn" and report["window"]["days"] == 365
    assert cli("query", "compliance", "--policy", "us-ftc").exit_code == 0
    unknown = cli("query", "compliance", "--policy", "nowhere")
    assert unknown.exit_code == 1 and "Error:" in unknown.output

    answer = json.loads(cli("query", "influence", "--top", "3", "--json").output)
    ranking = answer["ranking"]
    assert len(ranking["rows"]) == 3 and ranking["rows"][0]["rank"] == 1
    assert answer["seeds"] is None
    answer = json.loads(cli("query", "influence", "--seeds", "2", "--runs", "50",
                               "--json").output)
    chosen = answer["seeds"]  # the ranking comes with them, as over GraphQL
    assert chosen["k"] == 2 and len(chosen["seeds"]) == 2 and answer["ranking"]["rows"]
    assert chosen["ci_low"] <= chosen["spread"] <= chosen["ci_high"]

    funnel = json.loads(cli("query", "conversion", "--by", "channel",
                               "--json").output)
    assert funnel["group_by"] == "channel" and funnel["window"]["days"] == 90
    assert funnel["overall"]["clicks"] == sum(g["clicks"] for g in funnel["groups"])

    team = cli("query", "influence", "--root", "m002", "--top", "3")
    assert team.exit_code == 0 and "within m002's downline" in team.output
    team = json.loads(cli("query", "conversion", "--root", "m002", "--by", "level",
                             "--json").output)
    assert team["root_id"] == "m002" and all(int(g["key"]) >= 0 for g in team["groups"])
    # the spellings named after the Params fields ask the same question
    same = json.loads(cli("query", "conversion", "--root-id", "m002",
                             "--group-by", "level", "--json").output)
    assert same == team

    case_file = tmp_path / "m001.html"
    made = cli("report", "compliance", "m001", "--out", str(case_file))
    assert made.exit_code == 0, made.output
    assert "m001" in case_file.read_text(encoding="utf-8")
    verified = cli("report", "verify", str(case_file))
    assert verified.exit_code == 0 and "unchanged" in verified.output, verified.output

    bad = cli("query", "downline", "m001", "--as-of", "yesterday")
    assert bad.exit_code == 1 and "Error: not a date" in bad.output
    missing = cli("query", "downline", "nobody")
    assert missing.exit_code == 1 and "Error: no member 'nobody'" in missing.output


def test_tables_print_in_chinese_unless_english_is_chosen(data_dir: Path,
                                                         tmp_path: Path) -> None:
    """zh-CN by default, from the one message catalogue; every question's tables in
    both languages (a translation that broke a placeholder would fail here)."""
    assert refnet(data_dir, "generate", "--members", "300", "--out", str(tmp_path / "net"),
                  "--load").exit_code == 0
    asked = [("query", "downline", "m001", "--top", "2"), ("query", "compliance"),
             ("query", "influence", "--top", "3", "--seeds", "2", "--runs", "20"),
             ("query", "conversion", "--by", "trust"), ("query", "upline", "m300"),
             ("keys", "list")]
    for args in asked:
        zh, en = refnet(data_dir, *args, lang=None), refnet(data_dir, *args)
        assert zh.exit_code == 0 and en.exit_code == 0, (args, zh.output, en.output)
        assert zh.output != en.output, args
    zh = refnet(data_dir, "query", "downline", "m001", lang=None).output
    assert "m001 的团队" in zh and "各层级" in zh and "活跃人数" in zh and "¥" in zh
    assert "Downline of" not in zh and "Per level" not in zh
    en = refnet(data_dir, "query", "downline", "m001").output
    assert "Downline of m001" in en and "的团队" not in en
    assert "入门套餐" in refnet(data_dir, "query", "compliance", lang=None).output
    env = CliRunner().invoke(main, ["--data-dir", str(data_dir), "query", "upline", "m300"],
                             env={"REFNET_LANG": "en"})
    assert "Upline of m300" in env.output
    bad = refnet(data_dir, "query", "upline", "m300", lang="fr")
    assert bad.exit_code == 2 and "'fr' is not one of 'zh', 'en'" in bad.output


def test_tz_is_the_days_and_the_times_of_the_command_line(data_dir: Path, tmp_path: Path
                                                         ) -> None:
    """A bare --as-of date is the organization's day (Asia/Shanghai by default, --tz
    another); the answer's window says so in its own offset."""
    files = tmp_path / "net"
    assert refnet(data_dir, "generate", "--members", "300", "--out", str(files),
                  "--load").exit_code == 0
    root = "m001"

    def as_of(*extra: str) -> int:
        out = refnet(data_dir, *extra, "query", "downline", root, "--as-of", "2026-06-01",
                     "--json")
        assert out.exit_code == 0, out.output
        return json.loads(out.stdout)["as_of"]

    shanghai = int(datetime(2026, 6, 1, 16, 0, tzinfo=UTC).timestamp() * 1000) - 1
    assert as_of() == shanghai  # the end of June 1st in Shanghai: 16:00 UTC
    assert as_of("--tz", "UTC") == shanghai + 8 * 3_600_000
    table = refnet(data_dir, "--tz", "Europe/London", "query", "downline", root,
                   "--as-of", "2026-06-01")
    assert "2026-06-01T23:59:59+01:00" in table.stdout  # printed in the zone asked
    bad = refnet(data_dir, "--tz", "Mars/Base", "query", "downline", root)
    assert bad.exit_code != 0 and "unknown time zone 'Mars/Base'" in bad.output
