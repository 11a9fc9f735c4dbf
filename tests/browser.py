"""What the web app's and the case file's tests need from the system: Debian's
``chromium`` (driven by Playwright) and the Noto CJK fonts.

Playwright's own browser download does not work on the project's machines, so the
tests use the system's chromium through ``executable_path``; Chinese text needs a CJK
font in screenshots and in the case file's PDF, or it draws as boxes. Both are
installed from Debian's packages when missing and the tests run as root with apt, as
CI does. Elsewhere the tests that need them are skipped, saying why.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from refnet.api.casefile.pdf import cjk_font

__all__ = ["PACKAGES", "chromium", "cjk_fonts"]

PACKAGES = ("chromium", "fonts-noto-cjk")
_INSTALL_S = 900


def chromium() -> tuple[str | None, str]:
    """The chromium executable, installing it first where the tests may; else (None,
    why not)."""
    found = shutil.which("chromium")
    if found:
        return found, ""
    why = _install(*PACKAGES)
    found = shutil.which("chromium")
    return (found, "") if found else (None, why or "apt-get installed no chromium")


def cjk_fonts() -> str:
    """'' when a CJK font is installed (installing Debian's where the tests may); else
    why not."""
    if cjk_font():
        return ""
    why = _install("fonts-noto-cjk")
    return "" if cjk_font() else (why or "apt-get installed no CJK font")


def _install(*packages: str) -> str:
    """Install Debian ``packages``; '' on success, else why not."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return f"{' and '.join(packages)} missing, and not root with apt-get to install them"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]
    for step in (install, ["apt-get", "update", "-q"], install):  # update only if needed
        done = subprocess.run(step, env=env, capture_output=True, text=True,
                              timeout=_INSTALL_S)
        if step is install and done.returncode == 0:
            return ""
    return f"apt-get could not install {' '.join(packages)}: {done.stderr[-500:]}"
