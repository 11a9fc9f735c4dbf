"""The production-shaped deployment: docker-compose.yml (Neo4j + the API) and the Dockerfile.

No Docker engine runs on the dev machines or in CI, so nothing here starts a
container. These tests read the files and check their wiring instead: the services,
ports, healthcheck, start order, volume, the environment refnet reads, that no
password is committed, and that compose-style ``${VAR:?msg}`` interpolation turns
NEO4J_PASSWORD into Neo4j's ``NEO4J_AUTH=neo4j/<password>``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
CONFIG_MODULE = ROOT / "graph" / "config.py"

NEO4J_SERVICE = "neo4j"
API_SERVICE = "api"
# Every variable refnet's configuration reads to reach Neo4j (graph/config.py).
REFNET_ENV = ("REFNET_BACKEND", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")
PASSWORD = "correct-horse-battery"


# --- compose-style interpolation ---------------------------------------------------------


class InterpolationError(ValueError):
    """A required variable is missing, or a ``$`` expression is malformed."""


_TOKEN = re.compile(
    r"""
    \$(?:
        (?P<escaped>\$)                                  # $$ -> a literal $
      | (?P<named>[A-Za-z_][A-Za-z0-9_]*)                # $VAR
      | \{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)             # ${VAR
          (?:(?P<op>:?[-?+])(?P<arg>[^}]*))?             #   :-d -d :?err ?err :+alt +alt
        \}
      | (?P<invalid>)                                    # any other $
    )
    """,
    re.VERBOSE,
)


def interpolate_str(text: str, env: Mapping[str, str]) -> str:
    """Resolve one string the way ``docker compose`` does.

    ``$VAR``/``${VAR}`` (empty when unset), ``${VAR:-d}`` (d when unset or empty),
    ``${VAR-d}`` (d when unset), ``${VAR:?msg}`` (error when unset or empty),
    ``${VAR?msg}`` (error when unset), ``${VAR:+a}`` / ``${VAR+a}`` (a when set),
    and ``$$`` for a literal ``$``. Nested expressions are not supported.
    """

    def replace(match: re.Match[str]) -> str:
        if match.group("escaped") is not None:
            return "$"
        name = match.group("named") or match.group("braced")
        if name is None:
            raise InterpolationError(f"invalid interpolation format in {text!r}")
        op, arg = match.group("op"), match.group("arg") or ""
        value = env.get(name)
        if op is None:
            return value or ""
        # With a colon, an empty value counts as unset.
        is_set = value is not None and (value != "" or not op.startswith(":"))
        kind = op[-1]
        if kind == "-":
            return (value or "") if is_set else arg
        if kind == "?":
            if not is_set:
                raise InterpolationError(f"required variable {name} is missing a value: {arg}")
            return value or ""
        return arg if is_set else ""  # "+"

    return _TOKEN.sub(replace, text)


def interpolate(node: Any, env: Mapping[str, str]) -> Any:
    """Interpolate every string value in a parsed compose file (keys stay as written)."""
    if isinstance(node, str):
        return interpolate_str(node, env)
    if isinstance(node, dict):
        return {key: interpolate(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolate(item, env) for item in node]
    return node


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("plain", {}, "plain"),
        ("$A/${A}", {"A": "x"}, "x/x"),
        ("${A}", {}, ""),
        ("${A:-d}", {}, "d"),
        ("${A:-d}", {"A": ""}, "d"),
        ("${A-d}", {"A": ""}, ""),
        ("${A:-1G}", {"A": "4G"}, "4G"),
        ("${A:?set A}", {"A": "v"}, "v"),
        ("${A?set A}", {"A": ""}, ""),
        ("${A:+yes}", {"A": "v"}, "yes"),
        ("${A:+yes}", {"A": ""}, ""),
        ("${A+yes}", {"A": ""}, "yes"),
        ("$${A#neo4j/}", {"A": "v"}, "${A#neo4j/}"),
        ("cost $$5", {}, "cost $5"),
    ],
)
def test_interpolate_str(text: str, env: dict[str, str], expected: str) -> None:
    assert interpolate_str(text, env) == expected


@pytest.mark.parametrize(
    ("text", "env"),
    [("${A:?set A}", {}), ("${A:?set A}", {"A": ""}), ("${A?set A}", {}), ("a $ b", {})],
)
def test_interpolate_str_errors(text: str, env: dict[str, str]) -> None:
    with pytest.raises(InterpolationError):
        interpolate_str(text, env)


# --- helpers over the parsed file -----------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    assert COMPOSE_FILE.is_file(), f"missing {COMPOSE_FILE}"
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def service(compose: Mapping[str, Any], name: str) -> dict[str, Any]:
    services = compose.get("services") or {}
    assert name in services, f"service {name!r} missing from docker-compose.yml"
    return services[name]


def environment(svc: Mapping[str, Any]) -> dict[str, str]:
    """A service's environment as a dict, from either the map or the list form."""
    env = svc.get("environment") or {}
    if isinstance(env, list):
        pairs = (item.split("=", 1) if "=" in item else (item, "") for item in env)
        return {key: value for key, value in pairs}
    return {key: "" if value is None else str(value) for key, value in env.items()}


def published_ports(svc: Mapping[str, Any]) -> dict[int, str]:
    """Container port -> host port for every published port (short or long syntax)."""
    ports: dict[int, str] = {}
    for entry in svc.get("ports") or []:
        if isinstance(entry, dict):
            ports[int(entry["target"])] = str(entry.get("published", ""))
            continue
        spec = str(entry).split("/", 1)[0]  # drop /tcp, /udp
        *host, container = spec.rsplit(":", 2)
        ports[int(container)] = host[-1] if host else ""
    return ports


def volume_mounts(svc: Mapping[str, Any]) -> dict[str, str]:
    """Mount target -> source for a service's volumes (short or long syntax)."""
    mounts: dict[str, str] = {}
    for entry in svc.get("volumes") or []:
        if isinstance(entry, dict):
            mounts[entry["target"]] = entry.get("source", "")
        else:
            source, target, *_mode = str(entry).split(":")
            mounts[target] = source
    return mounts


def duration_seconds(value: Any) -> float:
    """A compose duration (``10s``, ``1m30s``, ``500ms``) in seconds."""
    text = str(value).strip()
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", text)
    assert parts and "".join(n + u for n, u in parts) == text, f"bad duration {value!r}"
    scale = {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6}
    return sum(float(n) * scale[u] for n, u in parts)


# --- the compose file ---------------------------------------------------------------------


def test_both_services_exist(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) >= {NEO4J_SERVICE, API_SERVICE}
    assert "version" not in compose, "the top-level version key is obsolete in the compose spec"


def test_neo4j_image_is_a_pinned_5x_tag(compose: dict[str, Any]) -> None:
    image = service(compose, NEO4J_SERVICE)["image"]
    pinned = r"neo4j:5\.\d+(\.\d+)?(-community|-enterprise)?(@sha256:[0-9a-f]{64})?"
    assert re.fullmatch(pinned, image), (
        f"{image!r} is not a pinned 5.x tag like neo4j:5.26-community"
    )


def test_ports_are_published(compose: dict[str, Any]) -> None:
    neo4j_ports = published_ports(service(compose, NEO4J_SERVICE))
    assert {7474, 7687} <= neo4j_ports.keys()
    assert neo4j_ports[7474] and neo4j_ports[7687], "neo4j ports must map to host ports"
    api_ports = published_ports(service(compose, API_SERVICE))
    assert api_ports.get(8000) == "8000"


def test_neo4j_healthcheck(compose: dict[str, Any]) -> None:
    check = service(compose, NEO4J_SERVICE).get("healthcheck")
    assert check, "neo4j needs a healthcheck for the api's depends_on condition"
    assert {"test", "interval", "retries"} <= check.keys()
    test = check["test"]
    assert isinstance(test, list) and test[0] in ("CMD", "CMD-SHELL"), test
    command = " ".join(test[1:])
    assert "cypher-shell" in command or "7474" in command, command
    assert int(check["retries"]) >= 1
    assert duration_seconds(check["interval"]) > 0
    for key in ("timeout", "start_period"):
        if key in check:
            assert duration_seconds(check[key]) > 0


def test_api_waits_for_healthy_neo4j(compose: dict[str, Any]) -> None:
    api = service(compose, API_SERVICE)
    depends_on = api.get("depends_on")
    assert isinstance(depends_on, dict), "use the long depends_on form to wait for health"
    assert depends_on.get(NEO4J_SERVICE, {}).get("condition") == "service_healthy"
    assert api.get("build") in (".", {"context": "."}) or api["build"].get("context") == "."
    assert api.get("restart") == "unless-stopped"


def test_named_volume_holds_neo4j_data(compose: dict[str, Any]) -> None:
    volumes = compose.get("volumes") or {}
    assert "neo4j-data" in volumes, "top-level volumes must declare neo4j-data"
    assert volume_mounts(service(compose, NEO4J_SERVICE)).get("/data") == "neo4j-data"


def test_api_points_at_the_neo4j_service(compose: dict[str, Any]) -> None:
    env = environment(service(compose, API_SERVICE))
    assert env.get("REFNET_BACKEND") == "neo4j"
    uri = urlsplit(env.get("NEO4J_URI", ""))
    assert uri.scheme in ("neo4j", "bolt"), uri
    assert uri.hostname == NEO4J_SERVICE, "NEO4J_URI must name the compose service"
    assert uri.port == 7687
    assert uri.password is None, "no credentials in the URI"


@pytest.mark.parametrize("var", REFNET_ENV)
def test_api_sets_every_variable_refnet_reads(compose: dict[str, Any], var: str) -> None:
    env = environment(service(compose, API_SERVICE))
    assert env.get(var), f"{var} is not set for the api service"


def test_api_sets_every_neo4j_variable_in_the_config_module(compose: dict[str, Any]) -> None:
    """Guard against drift: a NEO4J_* variable added to graph/config.py must be wired here."""
    if not CONFIG_MODULE.is_file():
        pytest.skip("graph/config.py not present")
    read = set(re.findall(r"[\"'](NEO4J_[A-Z_]+)[\"']", CONFIG_MODULE.read_text(encoding="utf-8")))
    missing = read - environment(service(compose, API_SERVICE)).keys()
    assert not missing, f"graph/config.py reads {sorted(missing)}, not set for the api service"


def test_no_password_is_committed(compose: dict[str, Any]) -> None:
    required = r"\$\{NEO4J_PASSWORD:?\?[^}]*\}"  # ${NEO4J_PASSWORD:?msg}: no default value
    neo4j_env = environment(service(compose, NEO4J_SERVICE))
    assert re.fullmatch(rf"neo4j/{required}", neo4j_env.get("NEO4J_AUTH", "")), neo4j_env
    api_env = environment(service(compose, API_SERVICE))
    assert re.fullmatch(required, api_env.get("NEO4J_PASSWORD", "")), api_env
    # Neo4j's image turns NEO4J_* variables into settings and rejects unknown ones.
    assert "NEO4J_PASSWORD" not in neo4j_env
    # The healthcheck reads the password inside the container, never a literal.
    check = " ".join(service(compose, NEO4J_SERVICE)["healthcheck"]["test"][1:])
    for flag in re.finditer(r"(?:-p|--password)\s+(\S+)", check):
        assert flag.group(1).lstrip("\"'").startswith("$"), check


def test_interpolation_builds_neo4j_auth(compose: dict[str, Any]) -> None:
    resolved = interpolate(compose, {"NEO4J_PASSWORD": PASSWORD})
    neo4j = service(resolved, NEO4J_SERVICE)
    api = service(resolved, API_SERVICE)
    assert environment(neo4j)["NEO4J_AUTH"] == f"neo4j/{PASSWORD}"
    assert environment(api)["NEO4J_PASSWORD"] == PASSWORD
    memory = {k: v for k, v in environment(neo4j).items() if k.startswith("NEO4J_server_memory_")}
    assert "NEO4J_server_memory_heap_max__size" in memory
    assert all(re.fullmatch(r"\d+[KMG]", v) for v in memory.values()), memory
    # $$ survives as one $, for the container's shell to expand.
    assert "${NEO4J_AUTH" in " ".join(neo4j["healthcheck"]["test"])
    assert PASSWORD not in " ".join(neo4j["healthcheck"]["test"])


@pytest.mark.parametrize("env", [{}, {"NEO4J_PASSWORD": ""}])
def test_interpolation_refuses_a_missing_password(compose: dict[str, Any], env: dict) -> None:
    with pytest.raises(InterpolationError, match="NEO4J_PASSWORD"):
        interpolate(compose, env)


def test_refnet_config_reads_the_api_environment(compose: dict[str, Any]) -> None:
    """The resolved api environment, fed to refnet's own Config, selects Neo4j."""
    from refnet.graph.config import Config

    env = environment(service(interpolate(compose, {"NEO4J_PASSWORD": PASSWORD}), API_SERVICE))
    config = Config.from_env(env)
    assert config.backend == "neo4j"
    assert config.neo4j_uri == "neo4j://neo4j:7687"
    assert (config.neo4j_user, config.neo4j_password) == ("neo4j", PASSWORD)
    assert config.neo4j_database == "neo4j"


# --- the Dockerfile -----------------------------------------------------------------------


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per logical line: continuations joined, comments dropped."""
    out: list[tuple[str, str]] = []
    buf = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            buf += line[:-1].rstrip() + " "
            continue
        instruction, _, args = (buf + line).partition(" ")
        out.append((instruction.upper(), args.strip()))
        buf = ""
    return out


@pytest.fixture(scope="module")
def final_stage() -> list[tuple[str, str]]:
    assert DOCKERFILE.is_file(), f"missing {DOCKERFILE}"
    instructions = dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8"))
    froms = [i for i, (name, _) in enumerate(instructions) if name == "FROM"]
    assert froms, "no FROM in the Dockerfile"
    return instructions[froms[-1] :]


def test_dockerfile_base_and_install() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    instructions = dockerfile_instructions(text)
    assert "python:3.11-slim" in text
    runs = [args for name, args in instructions if name == "RUN"]
    assert any(re.search(r"\bpip install \.(\s|$)", run) for run in runs), runs
    assert not re.search(r"\.\[(dev|test)", text), "no dev or test extras in the image"
    env = " ".join(args for name, args in instructions if name in ("ENV", "ARG"))
    assert "REFNET_BACKEND" not in env, "the backend is chosen at run time (compose sets it)"


def test_dockerfile_runs_as_non_root(final_stage: list[tuple[str, str]]) -> None:
    users = [args for name, args in final_stage if name == "USER"]
    assert users, "the final stage sets no USER"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_dockerfile_exposes_8000(final_stage: list[tuple[str, str]]) -> None:
    exposed = {port for name, args in final_stage if name == "EXPOSE" for port in args.split()}
    assert "8000" in exposed or "8000/tcp" in exposed


def test_dockerfile_cmd_serves_the_api(final_stage: list[tuple[str, str]]) -> None:
    cmds = [args for name, args in final_stage if name == "CMD"]
    assert cmds, "no CMD in the final stage"
    cmd = json.loads(cmds[-1])  # exec form, so signals reach the server
    assert cmd[:2] == ["refnet", "serve"], cmd
    assert cmd[cmd.index("--port") + 1] == "8000"
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"


def test_dockerfile_healthcheck_probes_healthz(final_stage: list[tuple[str, str]]) -> None:
    checks = [args for name, args in final_stage if name == "HEALTHCHECK"]
    assert checks, "no HEALTHCHECK in the final stage"
    assert "urllib" in checks[-1] and "http://127.0.0.1:8000/healthz" in checks[-1]
    assert "curl" not in checks[-1]


def test_dockerignore_keeps_the_context_small() -> None:
    assert DOCKERIGNORE.is_file(), f"missing {DOCKERIGNORE}"
    patterns = {
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for needed in (".git", ".env", "**/node_modules", ".pytest_cache", "bench/results"):
        assert needed in patterns, f".dockerignore should exclude {needed}"
    for kept in ("pyproject.toml", "README.md", "graph", "api", "loaders", "queries"):
        assert kept not in patterns, f".dockerignore must not exclude {kept}"
