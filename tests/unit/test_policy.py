"""Compliance policies: the presets, the file format, and refusal of bad files."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from refnet.graph.errors import BadInput, NotFound
from refnet.queries.compliance import policy
from refnet.queries.compliance.policy import Policy


def test_presets_ship_with_the_package() -> None:
    assert policy.presets() == ["cn", "us-ftc"]


def test_the_cn_preset() -> None:
    cn = policy.load("cn")
    assert (cn.name, cn.source) == ("cn", "preset")
    assert cn.max_commission_levels == 2 and cn.plan_levels is None
    assert (cn.threshold_levels, cn.threshold_people, cn.count_organizer) == (3, 30, True)
    assert cn.entry_fee is True
    assert "2013" in cn.reference


def test_the_cn_preset_holds_the_opinions_tiers_and_rules() -> None:
    cn = policy.load("cn")
    assert (cn.serious_people, cn.serious_fees) == (120, 250_000_000)  # fen: ¥2,500,000.00
    assert cn.combine_organizations and cn.after_leaving
    assert (cn.entry_fee_share, cn.recruitment_reward_share) == (0.5, 0.0)
    for code in ("PYRAMID_THRESHOLD", "PYRAMID_SERIOUS", "COMBINED_ORGANIZATIONS",
                 "AFTER_LEAVING", "ENTRY_FEE", "LEVELS", "RECRUITMENT_REWARDS",
                 "TEAM_REMUNERATION", "COUNTING", "RELATIONSHIP_CHART"):
        rule = cn.rule(code)
        assert rule is not None and rule.text_zh and rule.text_en, code
        assert code == "COMMISSION_DEPTH" or "公通字〔2013〕37号" in rule.cite
    assert "二百五十万元以上" in cn.rule("PYRAMID_SERIOUS").text_zh  # type: ignore[union-attr]
    assert "包括本数" in cn.rule("COUNTING").text_zh  # type: ignore[union-attr]
    assert cn.rule("NO_SUCH") is None
    assert policy.load("us-ftc").rules == () and policy.load("us-ftc").serious_people is None


def test_the_us_ftc_preset_has_no_level_checks() -> None:
    ftc = policy.load("us-ftc")
    assert ftc.max_commission_levels is None and ftc.threshold_people is None
    assert ftc.max_internal_share == 0.5 and ftc.max_reward_to_retail == 1.0


def test_every_preset_sets_every_key_it_names(tmp_path: Path) -> None:
    for name in policy.presets():
        p = policy.load(name)
        assert p.title and p.reference
        copy = tmp_path / f"{name}-copy.toml"
        text = (Path(policy.__file__).parent / "policies" / f"{name}.toml").read_text("utf-8")
        copy.write_text(text, encoding="utf-8")
        assert dataclasses.replace(policy.load(copy), source="preset") == p


def test_a_user_file(tmp_path: Path) -> None:
    path = tmp_path / "strict.toml"
    path.write_text('title = "Strict"\n[commission]\nmax_levels = 1\nplan_levels = 3\n'
                    "[retail]\nmax_internal_share = 0.25\nmax_reward_to_retail = 2\n",
                    encoding="utf-8")
    p = policy.load(str(path))
    assert (p.name, p.title, p.source) == ("strict", "Strict", str(path))
    assert (p.max_commission_levels, p.plan_levels) == (1, 3)
    assert p.max_reward_to_retail == 2.0 and isinstance(p.max_reward_to_retail, float)
    assert p.threshold_people is None  # no [threshold]: that check is off


def test_no_entry_packages_section_means_no_entry_package_checks() -> None:
    assert policy.parse("[retail]\nmax_internal_share = 0.5\n").entry_fee is None
    assert policy.parse("[entry_packages]\nmax_revenue_share = 0.1\n").entry_fee is True


def test_with_plan_levels() -> None:
    cn = policy.load("cn")
    assert cn.with_plan_levels(None) is cn
    assert cn.with_plan_levels(3).plan_levels == 3
    with pytest.raises(BadInput, match="plan_levels"):
        cn.with_plan_levels(0)


@pytest.mark.parametrize(("text", "message"), [
    ("colour = 'red'", "unknown key 'colour'"),
    ("[threshold]\nmin_poeple = 30\nmin_levels = 3", "unknown key threshold.min_poeple"),
    ("[limits]\nx = 1", "unknown key 'limits'"),
    ("[threshold]\nmin_people = '30'\nmin_levels = 3", "threshold.min_people must be a whole"),
    ("[threshold]\nmin_people = 30.5\nmin_levels = 3", "must be a whole number"),
    ("[threshold]\nmin_people = true\nmin_levels = 3", "must be a whole number"),
    ("[threshold]\nmin_people = 30", "needs both min_levels and min_people"),
    ("[threshold]\nmin_people = 0\nmin_levels = 3", "between 1 and"),
    ("[commission]\nmax_levels = -1", "commission.max_levels must be between"),
    ("[retail]\nmax_internal_share = 1.5", "retail.max_internal_share must be between 0 and 1"),
    ("[retail]\nmax_internal_share = 'half'", "must be a number"),
    ("[entry_packages]\nentry_fee = 'yes'", "must be true or false"),
    ("commission = 2", "[commission] must be a table"),
    ("name = ''", "name must be a non-empty string"),
    ("[opinion]\nserious_fees = 2.5", "opinion.serious_fees must be a whole number"),
    ("[opinion]\nentry_fee_share = 2", "opinion.entry_fee_share must be between 0 and 1"),
    ("[rules.X]\ncite = 'a'\nzh = 'b'", "[rules.X] needs exactly cite, zh, en"),
    ("[rules.X]\ncite = 'a'\nzh = 'b'\nen = ''", "must be non-empty strings"),
    ("rules = 1", "[rules] must hold"),
    ("[commission\nmax_levels = 2", "not valid TOML"),
])
def test_bad_files_are_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(BadInput, match=message.replace("[", r"\[").replace("(", r"\(")):
        policy.parse(text, source="bad.toml")


def test_unknown_preset_and_missing_file() -> None:
    with pytest.raises(NotFound, match="cn, us-ftc"):
        policy.load("eu")
    with pytest.raises(NotFound, match="does not exist"):
        policy.load("/nonexistent/policy.toml")


def test_a_file_that_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "binary.toml"
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(BadInput, match="cannot read policy file"):
        policy.load(path)


def test_the_policy_is_plain_data() -> None:
    thresholds = policy.load("cn").thresholds()
    assert thresholds["threshold_people"] == 30
    assert set(thresholds) == {f.name for f in dataclasses.fields(Policy)}


def test_the_cn_preset_cites_a_rule_for_every_finding() -> None:
    """The case file quotes a rule beside every flag: cn has one for each code refnet
    raises (the words module names them all), saying when it is the preset's choice."""
    from refnet.api.words import CHECK_TITLES

    cn = policy.load("cn")
    missing = sorted(code for code in CHECK_TITLES if cn.rule(code) is None)
    assert not missing
