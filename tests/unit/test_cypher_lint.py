"""Every Cypher text the neo4j backend would send passes Neo4j's own linter.

Neo4j cannot run on these machines, so the texts are checked by Neo4j's Cypher
parser and semantic analysis (the npm package ``@neo4j-cypher/language-support``,
driven by ``tests/lint/lint.mjs`` on Node.js). This is a lint, not a Neo4j run.
Errors fail; warnings (deprecations, notifications) are reported and pass.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
LINT_DIR = REPO / "tests" / "lint"
LINT_SCRIPT = LINT_DIR / "lint.mjs"
INSTALL_HINT = "run: npm ci --prefix tests/lint"

SELF_PREFIX = "selftest/"
QUERY_PREFIX = "query/"
SCHEMA_PREFIX = "schema/"

# name -> (text, fragment every expected error message shares, or None when it must pass)
SELF_TESTS: dict[str, tuple[str, str | None]] = {
    "misspelt-return": ("MATCH (m:Member {id: $id}) RETRUN m.id", "RETRUN"),
    "unbalanced-paren": ("MATCH (m:Member {id: $id} RETURN m.id", "expected ')'"),
    "unknown-procedure": (
        "CALL algo.pageRank('Member', 'TRUSTS') YIELD node RETURN node",
        "algo.pageRank",
    ),
    "param-as-var-length-bound": (
        "MATCH (a:Member)-[:REFERRED*1..$depth]->(b) RETURN b",
        "Parameter maps cannot be used",
    ),
    "two-statements": ("RETURN 1; RETURN 2", "statements in one text"),
    "valid-match": ("MATCH (m:Member {id: $id}) RETURN m.id", None),
    "valid-unwind-merge": ("UNWIND $rows AS r MERGE (m:Member {id: r.id}) SET m += r.props", None),
    "unknown-label-is-not-an-error": ("MATCH (x:NoSuchLabel) RETURN x.id", None),
    "deprecation-is-only-a-warning": ("MATCH (n) RETURN id(n) AS i", None),
}


@dataclass
class LintRun:
    texts: dict[str, str] = field(default_factory=dict)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    source_errors: list[BaseException] = field(default_factory=list)


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(reason: str) -> None:
    if _ci():
        pytest.fail(f"Cypher linter unavailable in CI: {reason}")
    pytest.skip(reason)


def _neo4j_texts() -> dict[str, str]:
    # Imported here: these modules belong to the store and the queries, not to this tool.
    from refnet.graph.cypher import texts_for
    from refnet.graph.schema import statements

    texts = {f"{QUERY_PREFIX}{name}": text for name, text in texts_for("neo4j").items()}
    for i, stmt in enumerate(statements("neo4j")):
        head = " ".join(stmt.split())[:70]
        texts[f"{SCHEMA_PREFIX}{i}: {head}"] = stmt
    return texts


@pytest.fixture(scope="module")
def lint_run() -> LintRun:
    if shutil.which("node") is None:
        _unavailable(f"node (Node.js) is not on PATH; then {INSTALL_HINT}")
    if not (LINT_DIR / "node_modules").is_dir():
        _unavailable(INSTALL_HINT)

    run = LintRun(texts={f"{SELF_PREFIX}{name}": text for name, (text, _) in SELF_TESTS.items()})
    try:
        run.texts.update(_neo4j_texts())
    except Exception as exc:  # reported by test_neo4j_texts_pass_the_linter
        run.source_errors.append(exc)

    items = [{"name": name, "text": text} for name, text in run.texts.items()]
    proc = subprocess.run(
        ["node", str(LINT_SCRIPT)],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(f"lint.mjs exited {proc.returncode}:\n{proc.stderr}")
    run.results = {r["name"]: r for r in json.loads(proc.stdout)}
    missing = sorted(set(run.texts) - set(run.results))
    if missing:
        pytest.fail(f"lint.mjs returned no result for: {missing}")
    return run


def _describe(name: str, text: str, findings: list[dict[str, Any]]) -> str:
    lines = text.splitlines() or [""]
    out = [f"{name}:"]
    for f in findings:
        line, column = f["line"], f["column"]
        out.append(f"  line {line}, column {column}: {f['message']}")
        if 1 <= line <= len(lines):
            out.append(f"    | {lines[line - 1]}")
            out.append(f"    | {' ' * max(column - 1, 0)}^")
    return "\n".join(out)


@pytest.mark.parametrize("case", sorted(SELF_TESTS))
def test_linter_self_test(lint_run: LintRun, case: str) -> None:
    text, expected = SELF_TESTS[case]
    errors = lint_run.results[f"{SELF_PREFIX}{case}"]["errors"]
    if expected is None:
        assert errors == [], _describe(case, text, errors)
    else:
        assert errors, f"the linter accepted {text!r}; it must report an error"
        assert any(expected in e["message"] for e in errors), _describe(case, text, errors)


def test_neo4j_texts_pass_the_linter(lint_run: LintRun) -> None:
    if lint_run.source_errors:
        raise lint_run.source_errors[0]
    names = [n for n in lint_run.texts if not n.startswith(SELF_PREFIX)]
    assert any(n.startswith(QUERY_PREFIX) for n in names), "texts_for('neo4j') returned no query"

    warned = [n for n in names if lint_run.results[n]["warnings"]]
    if warned:
        warnings.warn(
            "Cypher lint warnings (not failures):\n"
            + "\n".join(
                _describe(n, lint_run.texts[n], lint_run.results[n]["warnings"]) for n in warned
            ),
            stacklevel=1,
        )

    failed = [n for n in names if lint_run.results[n]["errors"]]
    if failed:
        report = "\n".join(
            _describe(n, lint_run.texts[n], lint_run.results[n]["errors"]) for n in failed
        )
        pytest.fail(
            f"{len(failed)} of {len(names)} texts fail Neo4j's Cypher linter:\n{report}",
            pytrace=False,
        )
