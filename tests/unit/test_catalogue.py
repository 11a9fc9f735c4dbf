"""Every label the web app and the CLI show has its zh-CN translation, the CLI prints in
the language chosen, and the periods are the organization's own days, weeks and months."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from refnet.api import language
from refnet.api.web.periods import MAX_DAYS, period
from refnet.graph.errors import BadInput, ConfigError

API = language.DIRECTORY.parent
PO = language.DIRECTORY / "zh/LC_MESSAGES/messages.po"


def test_every_label_has_a_chinese_translation() -> None:
    method_map = [("**/templates/**.html", "jinja2"), ("**/assets/**", "ignore"),
                  ("**.py", "python")]
    keywords = {"_": None, "_l": None, "N_": None, "gettext": None, "lazy_gettext": None}
    ids = {m[2] for m in extract_from_dir(str(API), method_map, keywords=keywords)}
    ids = {i[0] if isinstance(i, tuple) else i for i in ids}
    assert len(ids) > 300  # the extraction found the pages' and the tables' labels
    with PO.open("rb") as f:
        catalog = read_po(f)
    missing = sorted(i for i in ids if not (catalog.get(i) and catalog.get(i).string))
    assert not missing, f"add these to api/translations/zh/LC_MESSAGES/messages.po: {missing}"
    stale = sorted(m.id for m in catalog if m.id and m.id not in ids)
    assert not stale, f"no longer used; remove them from messages.po: {stale}"


def test_the_catalogue_is_compiled_into_the_package() -> None:
    mo = PO.with_suffix(".mo")
    assert mo.is_file(), "api/web/assets/build.py compiles it at install time"
    assert mo.stat().st_mtime >= PO.stat().st_mtime, "reinstall: the .po changed since"


def test_the_chosen_language_translates_and_english_is_the_ids() -> None:
    try:
        language.use("zh")
        assert language._("Members") == "人数"
        language.use("en")
        assert language._("Members") == "Members"
        with pytest.raises(ConfigError, match="unknown language 'fr'"):
            language.use("fr")
    finally:
        language.use("en")


def test_every_placeholder_survives_translation() -> None:
    """A translation that drops or renames ``{name}`` would fail at ``format`` time."""
    import re

    with PO.open("rb") as f:
        catalog = read_po(f)
    fields = re.compile(r"{(\w*)[^{}]*}")
    wrong = [(m.id, m.string) for m in catalog if m.id and m.string
             and sorted(fields.findall(m.id)) != sorted(fields.findall(m.string))]
    assert not wrong


def ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)


# 2026-12-02 17:30 UTC is already Thursday 2026-12-03 01:30 in Shanghai
NOW = ms(2026, 12, 2, 17, 30)


@pytest.mark.parametrize(("preset", "first", "last"), [
    ("today", date(2026, 12, 3), date(2026, 12, 3)),
    ("week", date(2026, 11, 30), date(2026, 12, 3)),  # Monday first
    ("month", date(2026, 12, 1), date(2026, 12, 3)),
    ("last_month", date(2026, 11, 1), date(2026, 11, 30)),
    ("last_30", date(2026, 11, 4), date(2026, 12, 3)),
])
def test_presets_are_days_in_the_organizations_zone(preset: str, first: date,
                                                    last: date) -> None:
    p = period(preset, NOW, "Asia/Shanghai")
    assert (p.first, p.last) == (first, last)
    # the window covers [first 00:00, last + 1 day 00:00) Shanghai time: UTC+8
    assert p.window.start == ms(first.year, first.month, first.day) - 8 * 3600_000 - 1
    assert p.window.end == ms(last.year, last.month, last.day) + 16 * 3600_000 - 1


def test_the_same_instant_is_another_day_elsewhere() -> None:
    assert period("today", NOW, "Europe/London").first == date(2026, 12, 2)


def test_last_month_in_january_is_last_years_december() -> None:
    p = period("last_month", ms(2027, 1, 10), "Asia/Shanghai")
    assert (p.first, p.last) == (date(2026, 12, 1), date(2026, 12, 31))


@pytest.mark.parametrize(("first", "last", "message"), [
    ("2026-02-01", "2026-01-01", "ends"),
    ("2026-13-01", "2026-12-01", "date like"),
    (None, "2026-12-01", "date like"),
    ("2020-01-01", "2026-01-01", f"at most {MAX_DAYS}"),
])
def test_custom_periods_are_checked(first: str | None, last: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        period("custom", NOW, "Asia/Shanghai", first, last)


def test_unknown_presets_are_refused() -> None:
    with pytest.raises(BadInput, match="unknown period"):
        period("fortnight", NOW, "Asia/Shanghai")
