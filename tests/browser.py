"""A real browser for the web app's tests: Debian's ``chromium``, driven by Playwright.

Playwright's own browser download does not work on the project's machines, so the
tests use the system's chromium through ``executable_path``, and install it (with the
Noto CJK fonts, or Chinese labels draw as boxes in screenshots) from Debian's packages
when it is missing and the tests run as root with apt, as CI does. Elsewhere the
browser tests are skipped, saying why.
"""

from __future__ import annotations

import os
import shutil
import subprocess

__all__ = ["PACKAGES", "chromium"]

PACKAGES = ("chromium", "fonts-noto-cjk")
_INSTALL_S = 900


def chromium() -> tuple[str | None, str]:
    """The chromium executable, installing it first where the tests may; else (None,
    why not)."""
    found = shutil.which("chromium")
    if found:
        return found, ""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return None, "no chromium, and not root with apt-get to install Debian's package"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *PACKAGES]
    for step in (install, ["apt-get", "update", "-q"], install):  # update only if needed
        done = subprocess.run(step, env=env, capture_output=True, text=True,
                              timeout=_INSTALL_S)
        if step is install and done.returncode == 0:
            break
    found = shutil.which("chromium")
    return (found, "") if found else (None, f"apt-get could not install chromium: "
                                            f"{done.stderr[-500:]}")
