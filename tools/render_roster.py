"""Render a roster workbook the way a person sees it: PDF, then PNG pages.

    python tools/render_roster.py outputs/roster_sample_2027-01-04.xlsx \
        --out outputs/render [--dpi 60] [--pages 1-12]

LibreOffice (``soffice``, Debian package ``libreoffice-calc``) prints every
visible sheet with the workbook's own print set-up (landscape, fit to one
page wide, repeated header rows) into one PDF; ``pdftoppm`` (package
``poppler-utils``) turns the pages into ``page-NN.png``. Not part of the
tests: it is how the layout was checked by eye.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def render(
    workbook: Path, out: Path, dpi: int = 60, pages: str | None = None
) -> list[Path]:
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            sys.exit(
                f"{tool} not found: apt-get install -y "
                "libreoffice-calc poppler-utils"
            )
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        # A private profile: no clash with a running LibreOffice.
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(workbook),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    pdf = out / (workbook.stem + ".pdf")
    for old in out.glob("page-*.png"):
        old.unlink()
    cmd = ["pdftoppm", "-png", "-r", str(dpi)]
    if pages:
        first, _, last = pages.partition("-")
        cmd += ["-f", first, "-l", last or first]
    subprocess.run(
        [*cmd, str(pdf), str(out / "page")], check=True, timeout=300
    )
    return sorted(out.glob("page-*.png"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workbook", type=Path)
    ap.add_argument("--out", type=Path, default=Path("outputs/render"))
    ap.add_argument("--dpi", type=int, default=60)
    ap.add_argument("--pages", help="page range, e.g. 1-6")
    args = ap.parse_args()
    for png in render(args.workbook, args.out, args.dpi, args.pages):
        print(png)


if __name__ == "__main__":
    main()
