"""The case file as PDF: the same HTML, laid out for print by WeasyPrint.

WeasyPrint draws text with the system's fonts (fontconfig, Pango). Chinese needs a CJK
font, Debian's ``fonts-noto-cjk`` (``apt-get install fonts-noto-cjk``); without one the
Chinese would print as empty boxes, so ``render`` refuses and says what to install
(``NotInstalled``: a refusal the caller reads, not an internal error).
The document fetches nothing: its styles and its chart are inside it, and any other URL
is refused, so a member id or a policy title can never make the renderer read a file
or reach a host.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

from refnet.graph.errors import NotInstalled

__all__ = ["cjk_font", "render"]


@cache
def cjk_font() -> str | None:
    """The family of an installed font that writes simplified Chinese, or None."""
    if shutil.which("fc-list") is None:
        return None
    listed = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True,
                            text=True, timeout=60)
    families = sorted({f.split(",")[0].strip() for f in listed.stdout.splitlines()
                       if f.strip()})
    preferred = [f for f in families if "Sans CJK SC" in f]
    return (preferred or families or [None])[0]


def render(html: str, attachments: dict[str, str]) -> bytes:
    """The PDF of ``html``, with ``attachments`` (name -> text) embedded as files."""
    if cjk_font() is None:
        cjk_font.cache_clear()  # installed meanwhile? ask fontconfig again next time
        raise NotInstalled("no Chinese font is installed on this server, so a PDF would "
                           "print Chinese as boxes: install one (Debian: apt-get install "
                           "fonts-noto-cjk), or ask for HTML")
    import weasyprint  # a second's import: only when a PDF is asked for

    def refuse(url: str, *args: object, **kwargs: object) -> dict[str, object]:
        raise ValueError(f"the case file fetches nothing; refused {url[:80]!r}")

    files = [weasyprint.Attachment(string=text, name=name, base_url=None)
             for name, text in attachments.items()]
    return weasyprint.HTML(string=html, url_fetcher=refuse).write_pdf(attachments=files)
