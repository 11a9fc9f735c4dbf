"""The quarantine file's format, owned by the loader: what it writes is what it reads."""

from __future__ import annotations

from pathlib import Path

from refnet.loaders import quarantine


def test_refused_referrals_read_back_as_written(tmp_path: Path) -> None:
    path = tmp_path / "run.bad.csv"
    with quarantine.Writer(path) as bad:
        bad.write("members.csv", 3, "referrals", "second_referrer", "y has a referrer",
                  {"member_id": "y", "referrer_id": "w", "joined_at": None})
        bad.write("members.csv", 4, "members", "bad_value", "no", {"member_id": "q,\"\n"})
        bad.write("members.csv", 5, "referrals", "referral_cycle", "x -> z -> x",
                  {"member_id": "x", "referrer_id": "z,\"中\n"})
    assert quarantine.read_refused_referrals(path) == [
        ("second_referrer", ["w", "y"]), ("referral_cycle", ["z,\"中\n", "x"])]
    assert quarantine.read_refused_referrals(str(path)) == \
        quarantine.read_refused_referrals(path)


def test_no_file_is_none_and_nothing_is_created(tmp_path: Path) -> None:
    path = tmp_path / "run.bad.csv"
    with quarantine.Writer(path):
        pass
    assert not path.exists()  # created only when a first bad row arrives
    assert quarantine.read_refused_referrals(path) is None
    assert quarantine.read_refused_referrals(None) is None
    assert quarantine.read_refused_referrals("") is None
    assert quarantine.read_refused_referrals(tmp_path) is None  # a directory


def test_unreadable_values_still_count(tmp_path: Path) -> None:
    path = tmp_path / "run.bad.csv"
    path.write_text("file,line,entity,code,reason,values\n"
                    "m.csv,2,referrals,,x,not json\n"
                    "m.csv,3,referrals,self_referral,x,[1]\n", encoding="utf-8")
    assert quarantine.read_refused_referrals(path) == [
        ("unknown", ["None", "None"]), ("self_referral", ["None", "None"])]
    path.write_bytes(b"\xff\xfe\x00garbage")
    assert quarantine.read_refused_referrals(path) is None
