"""Build the web app's static files into the package: run by ``setup.py`` on every
install (``pip install .`` and ``pip install -e .``), before setuptools collects the
package data, from the repository root.

* Front-end libraries come from the npm registry, pinned by ``package-lock.json``
  (``npm ci``); ``VENDOR`` says which built files (and their licences) are copied to
  ``api/web/static/vendor/``, which git ignores: no third-party code in the repository.
* The message catalogue (``api/translations/<lang>/LC_MESSAGES/messages.po``, shared by
  the web app and the CLI) is compiled to ``.mo`` beside it (ignored too), as Flask-Babel
  and ``refnet.api.language`` read it.

A stamp (the lock file's and the catalogues' hash) skips the work when nothing
changed. Needs Node.js with npm; it says so when they are missing.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WEB = HERE.parent
STATIC = WEB / "static" / "vendor"
TRANSLATIONS = WEB.parent / "translations"
STAMP = STATIC / ".stamp"
# node_modules path -> the name it is served under (static/vendor/<name>)
VENDOR = {
    "echarts/dist/echarts.min.js": "echarts.min.js",
    "echarts/LICENSE": "echarts.LICENSE.txt",
    "echarts/NOTICE": "echarts.NOTICE.txt",
    # GraphiQL's browser build and the React it runs on (React 18: the last with UMD files)
    "graphiql/graphiql.min.js": "graphiql.min.js",
    "graphiql/graphiql.min.css": "graphiql.min.css",
    "graphiql/LICENSE": "graphiql.LICENSE.txt",
    "react/umd/react.production.min.js": "react.production.min.js",
    "react-dom/umd/react-dom.production.min.js": "react-dom.production.min.js",
    "react/LICENSE": "react.LICENSE.txt",
}


def main() -> None:
    catalogues = sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
    stamp = _stamp([HERE / "package-lock.json", *catalogues])
    if STAMP.is_file() and STAMP.read_text() == stamp and all(
            (STATIC / name).is_file() for name in VENDOR.values()) and all(
            po.with_suffix(".mo").is_file() for po in catalogues):
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("refnet's web app needs its front-end libraries from npm: install Node.js "
                 "with npm (https://nodejs.org) and run the install again")
    subprocess.run([npm, "ci", "--prefix", str(HERE), "--no-audit", "--no-fund",
                    "--loglevel=error"], check=True)
    STATIC.mkdir(parents=True, exist_ok=True)
    for source, name in VENDOR.items():
        shutil.copyfile(HERE / "node_modules" / source, STATIC / name)
    for po in catalogues:
        _compile(po)
    STAMP.write_text(stamp)


def _compile(po: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f, abort_invalid=True)
    with po.with_suffix(".mo").open("wb") as f:
        write_mo(f, catalog)


def _stamp(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


if __name__ == "__main__":
    main()
