"""Which server files a startLoad may name, and how uploads are stored."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from refnet.api import imports
from refnet.graph.errors import BadInput, Forbidden, NotFound


def test_without_an_import_dir_no_server_file_is_read(tmp_path: Path) -> None:
    with pytest.raises(Forbidden):
        imports.server_files(None, ["members.csv"])


def test_names_resolve_inside_the_import_dir(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "m.csv").write_text("member_id\n", encoding="utf-8")
    assert imports.server_files(tmp_path, ["a/m.csv", "a"]) == [
        (tmp_path / "a" / "m.csv").resolve()]  # a folder is expanded; each file once
    with pytest.raises(BadInput):
        imports.server_files(tmp_path, ["a/../../etc"])
    with pytest.raises(NotFound):
        imports.server_files(tmp_path, ["a/n.csv"])


def test_a_link_inside_a_folder_is_resolved_and_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.csv").write_text("member_id\n", encoding="utf-8")
    (tmp_path / "in" / "a").mkdir(parents=True)
    (tmp_path / "in" / "a" / "m.csv").symlink_to(tmp_path / "outside.csv")
    with pytest.raises(BadInput, match=r"'a/m\.csv' leads outside the import directory"):
        imports.server_files(tmp_path / "in", ["a"])
    (tmp_path / "in" / "a" / "m.csv").unlink()
    with pytest.raises(NotFound, match="no data files in 'a'"):
        imports.server_files(tmp_path / "in", ["a"])


def test_uploads_are_sanitised_and_stored_once(tmp_path: Path) -> None:
    def upload(name: str) -> FileStorage:
        return FileStorage(io.BytesIO(b"member_id\nx\n"), filename=name)

    first, = imports.save_uploads(tmp_path, [upload("../../evil members.csv")])
    assert first.name == "evil_members.csv"
    assert first.parent.parent == tmp_path
    second, = imports.save_uploads(tmp_path, [upload("../../evil members.csv")])
    assert second == first
    assert [p.name for p in tmp_path.iterdir()] == [first.parent.name]  # no temp file left
    with pytest.raises(BadInput):
        imports.save_uploads(tmp_path, [upload("x.exe")])
    with pytest.raises(BadInput):
        imports.save_uploads(tmp_path, ["not a file"])
