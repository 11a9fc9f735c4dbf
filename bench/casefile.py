"""Case file benchmark: the compliance case file of one organization, as HTML and PDF.

Generates a network (``--members``, 100,000 by default) and loads it into a fresh
embedded store, or opens a data dir loaded before (``--data``), picks the organization
whose size is nearest ``--team`` (10,000), and times (median of ``--runs``):

* the analysis (``queries.compliance.casefile.ask``: the report with every chain, the
  opinion, the members counted, the orders, the chart) with what the file rests on;
* the HTML (one template) and the PDF (WeasyPrint), each sealed and kept, as
  ``refnet report compliance`` makes them.

Anchors measured in the same run, these machines being noisy: the compliance question
on the same organization (``refnet query compliance --root``), and WeasyPrint laying
out a fixed ten-page text (the PDF figure is mostly layout: seconds per page).

    python bench/casefile.py --members 100000
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from loaded import median_ms, network_at  # bench/loaded.py: run as python bench/<script>.py
from rich.console import Console
from rich.table import Table

from refnet.api import casefile
from refnet.api.casefile import document, pdf
from refnet.graph.connect import open_store
from refnet.queries import compliance
from refnet.queries import snapshot as snapshots
from refnet.queries.compliance import CaseFileParams, ComplianceParams

HERE = Path(__file__).parent
console = Console(width=None if sys.stdout.isatty() else 140)
TEN_PAGES = ("<html lang=zh-CN><body>" + "".join(
    f"<h2>第 {i} 页</h2><p>{'传销人员关系图 m000123 → m000456 → m000789。' * 60}</p>"
    "<p style='break-after: page'></p>" for i in range(10)) + "</body></html>")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--team", type=int, default=10_000, help="the organization's size")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", help="a data dir loaded before (skips generate and load)")
    args = parser.parse_args()
    with network_at(args.members, args.data) as config, open_store(config) as store:
        snap = snapshots.current(store, config.data_dir)
        size = np.asarray(snap.size)
        at = int(np.argmin(np.abs(size - args.team)))
        root, members = str(snap.ids[at]), int(size[at])
        console.print(f"organization of {root}: {members:,} members "
                      f"(of {snap.members:,})")
        params = CaseFileParams(root_id=root)
        kept_in = Path(tempfile.mkdtemp(prefix="refnet-casefile-bench-"))

        def made(fmt: str) -> object:
            return casefile.make(store, params, fmt=fmt, data_dir=kept_in, made_by="bench",
                                 zone="Asia/Shanghai", lang="zh")

        timed: dict[str, float] = {}
        timed["anchor: compliance question, same root"], _ = median_ms(
            lambda: compliance.ask(store, ComplianceParams(root_id=root)), args.runs)
        timed["anchor: WeasyPrint, 10 fixed pages"], _ = median_ms(
            lambda: pdf.render(TEN_PAGES, {}), args.runs)
        timed["analysis + what it rests on"], doc = median_ms(
            lambda: casefile.assemble(store, params, made_by="bench", zone="Asia/Shanghai",
                                      lang="zh"), args.runs)
        timed["HTML, template only"], _ = median_ms(lambda: document.html(doc), args.runs)
        timed["case file as HTML (made, sealed, kept)"], (_, html_path) = median_ms(
            lambda: made("html"), args.runs)
        timed["case file as PDF (made, sealed, kept)"], (_, pdf_path) = median_ms(
            lambda: made("pdf"), args.runs)
    import pypdf

    pages = len(pypdf.PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
    weasy = timed["anchor: WeasyPrint, 10 fixed pages"]
    query = timed["anchor: compliance question, same root"]
    table = Table(title=f"Case file of a {members:,}-member organization at "
                        f"{snap.members:,} members", title_justify="left")
    for column in ("step", "median", "× compliance question", "× 10 fixed pages"):
        table.add_column(column, justify="left" if column == "step" else "right")
    for name, ms in timed.items():
        table.add_row(name, f"{ms / 1000:,.2f} s", f"{ms / query:,.1f}", f"{ms / weasy:,.2f}")
    table.caption = (f"HTML {html_path.stat().st_size / 1e6:.1f} MB, PDF "
                     f"{pdf_path.stat().st_size / 1e6:.1f} MB in {pages} pages "
                     f"({timed['case file as PDF (made, sealed, kept)'] / pages:,.0f} ms a page)")
    console.print(table)
    out = HERE / "results" / f"casefile-{snap.members}.json"
    out.write_text(json.dumps({
        "date": datetime.now(UTC).isoformat(timespec="minutes"), "members": snap.members,
        "organization": members, "root": root, "runs": args.runs, "pdf_pages": pages,
        "html_bytes": html_path.stat().st_size, "pdf_bytes": pdf_path.stat().st_size,
        "median_ms": {k: round(v, 1) for k, v in timed.items()},
        "vs_compliance_question": {k: round(v / query, 2) for k, v in timed.items()},
        "vs_ten_pages": {k: round(v / weasy, 2) for k, v in timed.items()},
    }, indent=1) + "\n")
    console.print(f"written {out}")


if __name__ == "__main__":
    main()
