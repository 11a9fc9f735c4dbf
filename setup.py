"""Everything about the package is in pyproject.toml; this file only hooks the web
app's asset build (``api/web/assets/build.py``: npm libraries and compiled message
catalogues into the package) into ``build_py``, which both ``pip install .`` and
``pip install -e .`` run, as jupyterlab and bokeh build theirs."""

import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithAssets(build_py):
    def run(self) -> None:
        subprocess.run([sys.executable, str(ROOT / "api" / "web" / "assets" / "build.py")],
                       check=True)
        super().run()


setup(cmdclass={"build_py": BuildPyWithAssets})
