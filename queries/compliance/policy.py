"""Compliance policies: the thresholds a compliance report judges a network by, as data.

A policy is a TOML file. Two presets ship in ``queries/compliance/policies/``: ``cn`` (commission
on at most two levels, the industry's red line; the criminal threshold of the 2013
joint opinion on pyramid-selling cases, at least 30 people in at least 3 levels counting
the organizer and the organizer's own level; entry packages counted as entry fees) and
``us-ftc`` (retail sales to non-members against internal consumption and recruitment
rewards, in the spirit of the FTC's business guidance on multi-level marketing). A user
writes their own file in the same format and passes its path. Unknown sections and
keys are refused, so a typo never silently switches a check off.

The format (``cn.toml`` is the complete example; every section is optional, and a
check whose section or key is missing is reported as not checked)::

    name = "my-policy"        # optional; defaults to the file's stem
    title = "..."             # what the policy is
    reference = "..."         # where its thresholds come from

    [commission]
    max_levels = 2            # commission may reach this many levels above a buyer
    plan_levels = 3           # the organization's declared payout plan (levels paid)

    [threshold]               # the people-and-levels threshold
    min_levels = 3            # levels, the organizer's own level being the first
    min_people = 30
    count_organizer = true    # the organizer counts as one of the people

    [velocity]
    days = 30                 # the sliding window recruitment is counted over
    max_direct_recruits = 30  # a member's own recruits per window
    max_downline_recruits = 300  # new members anywhere in a downline per window

    [entry_packages]          # without this section no entry-package check runs
    entry_fee = true          # buying an entry package is paying an entry fee (default)
    max_revenue_share = 0.2   # of GMV, overall and per organization
    max_entry_only_buyers = 0.5  # of buying members whose only purchase is a package

    [retail]
    max_internal_share = 0.5  # of GMV bought by members themselves
    max_reward_to_retail = 1.0   # recruitment rewards / retail commission
    min_organization_gmv = 100000  # fen; smaller organizations are not judged on ratios

    [opinion]                 # the 2013 opinion's tiers and conditions (``opinion``)
    serious_people = 120      # "情节严重": people organized or led, counted as above
    serious_fees = 250_000_000   # "情节严重": entry fees collected, in fen (2.5 million yuan)
    combine_organizations = true # organizations led by one person add up
    after_leaving = true      # who left but still earns keeps counting later recruits
    entry_fee_share = 0.5     # recruits who bought an entry package: joining was bought
    recruitment_reward_share = 0.0  # entry-package commission above this share of all
                              # commission: rewards follow recruitment, not sales

    [rules.PYRAMID_THRESHOLD] # the rule a finding cites, by the finding's code
    cite = "..."              # where the rule is written
    zh = "..."                # its text
    en = "..."                # an English gloss

    >>> policy = load("cn")
    >>> (policy.max_commission_levels, policy.threshold_levels, policy.threshold_people)
    (2, 3, 30)
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from refnet.graph.errors import BadInput, NotFound
from refnet.graph.text import shown

__all__ = ["Policy", "Rule", "load", "parse", "preset", "presets"]

# section -> key -> (Policy field, type, lowest allowed, highest allowed)
_SCHEMA: dict[str, dict[str, tuple[str, type, float | None, float | None]]] = {
    "commission": {
        "max_levels": ("max_commission_levels", int, 1, 100),
        "plan_levels": ("plan_levels", int, 1, 100),
    },
    "threshold": {
        "min_levels": ("threshold_levels", int, 1, 1000),
        "min_people": ("threshold_people", int, 1, 10_000_000),
        "count_organizer": ("count_organizer", bool, None, None),
    },
    "velocity": {
        "days": ("velocity_days", int, 1, 3660),
        "max_direct_recruits": ("max_direct_recruits", int, 0, 10_000_000),
        "max_downline_recruits": ("max_downline_recruits", int, 0, 10_000_000),
    },
    "entry_packages": {
        "entry_fee": ("entry_fee", bool, None, None),
        "max_revenue_share": ("max_entry_share", float, 0.0, 1.0),
        "max_entry_only_buyers": ("max_entry_only_buyers", float, 0.0, 1.0),
    },
    "opinion": {
        "serious_people": ("serious_people", int, 1, 10_000_000),
        "serious_fees": ("serious_fees", int, 1, 10**15),
        "combine_organizations": ("combine_organizations", bool, None, None),
        "after_leaving": ("after_leaving", bool, None, None),
        "entry_fee_share": ("entry_fee_share", float, 0.0, 1.0),
        "recruitment_reward_share": ("recruitment_reward_share", float, 0.0, 1.0),
    },
    "retail": {
        "max_internal_share": ("max_internal_share", float, 0.0, 1.0),
        "max_reward_to_retail": ("max_reward_to_retail", float, 0.0, 1e9),
        "min_organization_gmv": ("min_organization_gmv", int, 0, 10**15),
    },
}
_TOP = {"name", "title", "reference"}
_RULE_KEYS = {"cite": "cite", "zh": "text_zh", "en": "text_en"}


@dataclass(frozen=True)
class Rule:
    """A rule a finding rests on, quoted: a case file prints it beside the finding."""

    code: str  # the finding's code (PYRAMID_THRESHOLD, ENTRY_FEE, ...)
    cite: str  # where the rule is written (the document and its article)
    text_zh: str  # the rule's text as written (Chinese)
    text_en: str  # an English gloss of it


@dataclass(frozen=True)
class Policy:
    """Every threshold a report uses; None switches that check off.

    The report echoes the whole policy so an auditor can recompute each flag.
    """

    name: str
    title: str = ""
    reference: str = ""
    source: str = ""  # "preset" or the file it was read from
    max_commission_levels: int | None = None
    plan_levels: int | None = None
    threshold_levels: int | None = None
    threshold_people: int | None = None
    count_organizer: bool = True
    velocity_days: int = 30
    max_direct_recruits: int | None = None
    max_downline_recruits: int | None = None
    # None: the file has no [entry_packages] section, so the entry-package checks (and
    # the reward ratio, whose rewards are entry-package commission) are off.
    entry_fee: bool | None = None
    max_entry_share: float | None = None
    max_entry_only_buyers: float | None = None
    max_internal_share: float | None = None
    max_reward_to_retail: float | None = None
    min_organization_gmv: int = 0
    # [opinion]: the 2013 opinion's "情节严重" tier and how its conditions are read from
    # the data (``opinion``); None: that part is not checked
    serious_people: int | None = None
    serious_fees: int | None = None
    combine_organizations: bool = False
    after_leaving: bool = False
    entry_fee_share: float | None = None
    recruitment_reward_share: float | None = None
    rules: tuple[Rule, ...] = ()

    def rule(self, code: str) -> Rule | None:
        """The rule a finding with this code cites, if the policy quotes one."""
        return next((r for r in self.rules if r.code == code), None)

    def confined(self) -> Policy:
        """The same policy for a caller who may see one team only: the 2013 opinion's
        rule of adding up one person's organizations is off, since the others may lie
        outside that team (an organizer's key never learns of them)."""
        return replace(self, combine_organizations=False)

    def with_plan_levels(self, levels: int | None) -> Policy:
        """The same policy for an organization that declares a payout plan of ``levels``."""
        if levels is None:
            return self
        _check_range("commission.plan_levels", levels, 1, 100)
        return replace(self, plan_levels=levels)

    def thresholds(self) -> dict[str, Any]:
        """The policy as a flat dict (what the report states)."""
        return asdict(self)


def _presets_dir() -> Traversable:
    return resources.files("refnet.queries.compliance") / "policies"


def presets() -> list[str]:
    """The names of the built-in policies."""
    folder = _presets_dir()
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir()
                  if p.name.endswith(".toml"))


def preset(name: str) -> str:
    """``name`` when it is a built-in policy, else ``BadInput``: all a caller over the
    network may choose (GraphQL, the web app), as a path would read the server's disk."""
    names = presets()
    if name not in names:
        raise BadInput(f"unknown policy {shown(name)}; presets: {', '.join(names)}")
    return name


def load(name_or_path: str | Path) -> Policy:
    """A preset by name (``cn``, ``us-ftc``) or a policy file by path."""
    text = str(name_or_path)
    if text in presets():
        data = (_presets_dir() / f"{text}.toml").read_text(encoding="utf-8")
        return parse(data, default_name=text, source="preset")
    path = Path(text)
    if path.suffix != ".toml" and not path.exists():
        raise NotFound(f"no policy named {text!r}: use a preset ({', '.join(presets())}) "
                       "or the path of a .toml policy file")
    try:
        data = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFound(f"policy file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as e:
        raise BadInput(f"cannot read policy file {path}: {e}") from None
    return parse(data, default_name=path.stem, source=str(path))


def parse(text: str, *, default_name: str = "custom", source: str = "") -> Policy:
    """A policy from TOML text; every problem is a ``BadInput`` naming the key."""
    where = f" in {source}" if source and source != "preset" else ""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise BadInput(f"policy{where} is not valid TOML: {e}") from None
    values: dict[str, Any] = {"name": default_name, "source": source}
    for key, value in doc.items():
        if key in _TOP:
            if not isinstance(value, str) or not value.strip():
                raise BadInput(f"policy{where}: {key} must be a non-empty string")
            values[key] = value.strip()
        elif key == "rules":
            values["rules"] = _rules(value, where)
        elif key in _SCHEMA:
            if not isinstance(value, dict):
                raise BadInput(f"policy{where}: [{key}] must be a table")
            if key == "entry_packages":
                values["entry_fee"] = True  # the section's default
            values.update(_section(key, value, where))
        else:
            known = (", ".join(sorted(_TOP)) + ", " + ", ".join(f"[{s}]" for s in _SCHEMA)
                     + ", [rules.CODE]")
            raise BadInput(f"policy{where}: unknown key {key!r}; known: {known}")
    policy = Policy(**values)
    if (policy.threshold_levels is None) != (policy.threshold_people is None):
        raise BadInput(f"policy{where}: [threshold] needs both min_levels and min_people")
    return policy


def _rules(table: Any, where: str) -> tuple[Rule, ...]:
    """``[rules.CODE]`` tables: each needs its citation and both texts."""
    if not isinstance(table, dict):
        raise BadInput(f"policy{where}: [rules] must hold [rules.CODE] tables")
    out = []
    for code, rule in table.items():
        if not isinstance(rule, dict) or set(rule) != set(_RULE_KEYS):
            raise BadInput(f"policy{where}: [rules.{code}] needs exactly "
                           f"{', '.join(_RULE_KEYS)}")
        if not all(isinstance(v, str) and v.strip() for v in rule.values()):
            raise BadInput(f"policy{where}: [rules.{code}] values must be non-empty strings")
        out.append(Rule(code, **{_RULE_KEYS[k]: v.strip() for k, v in rule.items()}))
    return tuple(out)


def _section(section: str, table: dict[str, Any], where: str) -> dict[str, Any]:
    out = {}
    schema = _SCHEMA[section]
    for key, value in table.items():
        if key not in schema:
            raise BadInput(f"policy{where}: unknown key {section}.{key}; known: "
                           f"{', '.join(schema)}")
        field_name, kind, low, high = schema[key]
        name = f"{section}.{key}"
        if kind is bool:
            if not isinstance(value, bool):
                raise BadInput(f"policy{where}: {name} must be true or false, got {value!r}")
        elif kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise BadInput(f"policy{where}: {name} must be a whole number, got {value!r}")
            _check_range(name, value, low, high, where)
        else:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise BadInput(f"policy{where}: {name} must be a number, got {value!r}")
            value = float(value)
            _check_range(name, value, low, high, where)
        out[field_name] = value
    return out


def _check_range(name: str, value: float, low: float | None, high: float | None,
                 where: str = "") -> None:
    if (low is not None and value < low) or (high is not None and value > high):
        raise BadInput(f"policy{where}: {name} must be between {low:g} and {high:g}, "
                       f"got {value!r}")
