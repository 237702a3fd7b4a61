"""Render a filled form's XLSX sheet to a PNG picture, as it prints (for README).

    .venv/bin/python scripts/xlsx_picture.py FORM.json OUT.png [--dpi 110]

FORM.json is what `dantrack form … --format json` prints: scripts/data/form-01-xld.json is
`dantrack --db data/sample.sqlite form 01/XLD --official --year 2024 --locality "Bắc Kạn"
--body-name "UBND TỈNH BẮC KẠN" --format json`, the picture in README. The sheet is written by dantrack.xlsx.write_form, printed to PDF
by LibreOffice headless (`soffice`, with a profile of its own so a running LibreOffice is not
disturbed) and its first page turned into PNG by pdftoppm (poppler-utils). Neither is needed
by dantrack or its tests: install them on the machine that makes pictures, e.g.
`apt-get install libreoffice-calc poppler-utils fonts-liberation`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from dantrack.xlsx import write_form


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("form", type=Path, help="the form result JSON")
    parser.add_argument("out", type=Path, help="the PNG to write")
    parser.add_argument("--dpi", type=int, default=110)
    args = parser.parse_args()
    missing = [tool for tool in ("soffice", "pdftoppm") if shutil.which(tool) is None]
    if missing:
        print(f"needs {' and '.join(missing)} (LibreOffice, poppler-utils)", file=sys.stderr)
        return 1
    result = json.loads(args.form.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        sheet = folder / "form.xlsx"
        with open(sheet, "wb") as stream:
            write_form(result, stream)
        subprocess.run(["soffice", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                        "--headless", "--convert-to", "pdf", "--outdir", str(folder),
                        str(sheet)], check=True, capture_output=True, timeout=300)
        # Only the first page: the data sheet after it is for programs, not for print.
        subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), "-f", "1", "-l", "1",
                        "-singlefile", str(folder / "form.pdf"),
                        str(args.out.with_suffix(""))], check=True, timeout=120)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
