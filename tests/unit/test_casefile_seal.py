"""The case file's seal: any changed, added or removed byte fails the check."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refnet.api.casefile import seal
from refnet.graph.errors import BadInput

HTML = "<!doctype html><html lang=zh-CN><body><h1>合规案卷</h1></body></html>\n".encode()
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(("body", "kind"), [(HTML, "html"), (PDF, "pdf")])
def test_a_sealed_file_checks_and_says_its_digest(body: bytes, kind: str) -> None:
    data, sealed = seal.seal(body, kind)
    assert data.startswith(body) and data.count(b"refnet-seal") == 1
    assert sealed == seal.check(data)
    assert sealed.sha256 == hashlib.sha256(body).hexdigest() and sealed.length == len(body)
    assert data.endswith(b" -->\n" if kind == "html" else b"\n")


@given(st.data())
def test_any_one_byte_changed_added_or_removed_fails(data: st.DataObject) -> None:
    sealed, _ = seal.seal(HTML, "html")
    i = data.draw(st.integers(0, len(sealed) - 1))
    change = data.draw(st.sampled_from(["flip", "insert", "delete"]))
    if change == "flip":
        bit = data.draw(st.integers(0, 7))
        broken = sealed[:i] + bytes([sealed[i] ^ (1 << bit)]) + sealed[i + 1:]
    elif change == "insert":
        broken = sealed[:i] + data.draw(st.binary(min_size=1, max_size=1)) + sealed[i:]
    else:
        broken = sealed[:i] + sealed[i + 1:]
    with pytest.raises(seal.Broken):
        seal.check(broken)


def test_what_is_wrong_is_said() -> None:
    data, _ = seal.seal(HTML, "html")
    with pytest.raises(seal.Broken, match="not made by refnet report"):
        seal.check(HTML)
    with pytest.raises(seal.Broken, match="added after it"):
        seal.check(data + b"\n")
    with pytest.raises(seal.Broken, match="content changed"):
        seal.check(data.replace("合规".encode(), "合法".encode()))
    with pytest.raises(seal.Broken, match="added or removed"):
        seal.check(data[5:])
    with pytest.raises(BadInput, match="not a complete PDF"):
        seal.seal(b"%PDF-1.7\n", "pdf")
