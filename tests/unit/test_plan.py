"""Which files a folder load reads: refnet's own quarantine files are never inputs."""

from __future__ import annotations

from pathlib import Path

from refnet.loaders import load
from refnet.loaders.profiles import load_profiles
from refnet.loaders.quarantine import HEADER

MEMBERS = "member_id,referrer_id,platform,joined_at,status,tier\nm1,,taobao,,,\n"


def test_a_quarantine_file_in_the_folder_is_not_an_input(tmp_path: Path) -> None:
    (tmp_path / "members.csv").write_text(MEMBERS, encoding="utf-8")
    (tmp_path / "load-0123456789abcdef.bad.csv").write_text(
        ",".join(HEADER) + "\nmembers.csv,3,members,bad_value,x,{}\n", encoding="utf-8")
    planned = load.plan_files([tmp_path], load_profiles())
    assert [path.name for path, *_ in planned] == ["members.csv"]
