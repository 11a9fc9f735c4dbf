"""A user's mistake in a load is refnet's own error (``BadInput``, ``NotFound``) with a
message that says what to do; the front ends map those, and nothing else, to one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from refnet.graph.errors import BadInput, NotFound, RefnetError
from refnet.loaders import load
from refnet.loaders.detect import detect
from refnet.loaders.profiles import load_profile, load_profiles

MEMBERS = "member_id,referrer_id,platform,joined_at,status,tier\nm1,,taobao,,,\n"


@pytest.fixture(scope="module")
def profiles() -> dict:
    return load_profiles()


def test_a_path_that_does_not_exist_is_not_found(tmp_path: Path, profiles: dict) -> None:
    with pytest.raises(NotFound, match=r"nothing\.csv does not exist"):
        load.plan_files([tmp_path / "nothing.csv"], profiles)


def test_a_directory_without_data_files_is_not_found(tmp_path: Path, profiles: dict) -> None:
    (tmp_path / "notes.md").write_text("not data", encoding="utf-8")
    with pytest.raises(NotFound, match="no data files in"):
        load.plan_files([tmp_path], profiles)


def test_an_unknown_profile_is_bad_input(tmp_path: Path, profiles: dict) -> None:
    (tmp_path / "members.csv").write_text(MEMBERS, encoding="utf-8")
    with pytest.raises(BadInput, match=r"unknown profile 'nope'; known: .*canonical-members"):
        load.plan_files([tmp_path], profiles, "nope")


def test_a_header_no_profile_reads_is_bad_input(tmp_path: Path, profiles: dict) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("colour,size\nred,9\n", encoding="utf-8")
    with pytest.raises(BadInput) as info:
        load.plan_files([path], profiles)
    assert type(info.value) is BadInput
    assert str(info.value).startswith(f"{path}: no profile matches the header [colour, size]; "
                                      "closest: ")


def test_an_ambiguous_header_is_bad_input(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / f"{name}.toml").write_text(f'''
name = "{name}"
detect = ["a"]
[[output]]
entity = "members"
fields.member_id = {{ column = "a", parse = "id", required = true }}
''', encoding="utf-8")
    with pytest.raises(BadInput, match="matches profiles one, two equally well; choose one"):
        detect(["a"], load_profiles([tmp_path]))


@pytest.mark.parametrize(("text", "problem"), [
    ('name = "x"\ndetect = [', "not valid TOML"),
    ('name = "x"\ndetect = ["a"]\n', r"needs at least one \[\[output\]\] table"),
])
def test_a_bad_profile_file_is_bad_input(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "x.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput, match=problem) as info:
        load_profile(path)
    assert str(path) in str(info.value)
    with pytest.raises(BadInput, match="is not a directory"):
        load_profiles([path])


@pytest.mark.parametrize("text", ["x", "-1", "0%", "100%", "5%%", ""])
def test_max_bad_text_is_bad_input(text: str) -> None:
    with pytest.raises(BadInput, match=r"give a count \(50\) or a percentage \(5%\)"):
        load.parse_max_bad(text)
    assert load.parse_max_bad("50") == 50 and load.parse_max_bad("5%") == 0.05


def test_user_mistakes_are_no_longer_builtin_errors(tmp_path: Path, profiles: dict) -> None:
    """What the CLI and the API used to catch as ValueError/FileNotFoundError is gone."""
    for call in (lambda: load.plan_files([tmp_path / "x"], profiles),
                 lambda: load.parse_max_bad("x")):
        with pytest.raises(RefnetError) as info:
            call()
        assert not isinstance(info.value, ValueError | OSError)
