"""python -m components.export --out DIR [--talk [--dark]] [--pages home size ...] [--formats png svg]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from components.catalog.errors import CatalogInvalid
from components.catalog.loader import DATA_DIR

from .registry import Context, pages, select
from .render import FORMATS, HEIGHT, SCALE, WIDTH, ExportError, export


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m components.export",
                                 description="Render every page's default charts to PNG and SVG (kaleido + "
                                             "system Chromium). Same data -> byte-identical files.")
    ap.add_argument("--out", type=Path, required=True, help="output folder (created if missing)")
    ap.add_argument("--talk", action="store_true", help="talk-mode styling (large type, high contrast)")
    ap.add_argument("--dark", action="store_true", help="dark slides (with --talk)")
    ap.add_argument("--pages", nargs="+", metavar="PAGE", help=f"only these pages: {', '.join(pages())}")
    ap.add_argument("--formats", nargs="+", default=list(FORMATS), help="default: png svg")
    ap.add_argument("--data", type=Path, default=DATA_DIR, help="catalog folder (default: the bundled data/)")
    ap.add_argument("--width", type=int, default=WIDTH)
    ap.add_argument("--height", type=int, default=HEIGHT)
    ap.add_argument("--scale", type=float, default=SCALE)
    args = ap.parse_args(argv)
    try:
        charts = select(args.pages)
        ctx = Context.from_data(args.data, talk=args.talk, dark=args.dark and args.talk)
        written = export(charts, ctx, args.out, formats=args.formats, width=args.width, height=args.height,
                         scale=args.scale)
    except (ExportError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except CatalogInvalid as e:
        print(f"error: the catalog does not validate ({len(e.errors)} errors); run "
              "`python -m components.catalog validate`", file=sys.stderr)
        return 2
    print(f"{len(written)} files in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
