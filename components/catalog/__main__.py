"""Command line: `python -m components.catalog validate|export`.

validate -> exit 0 and one summary line, or exit 1 and every error (one per line).
export   -> the flattened table (models | scores | licenses) as CSV or JSON on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .errors import CatalogInvalid
from .frame import export_models, json_safe, licenses_frame, scores_frame, to_frame
from .loader import DATA_DIR, check_catalog, load_catalog


def _validate(data_dir: Path) -> int:
    catalog, errors = check_catalog(data_dir)
    if errors:
        for e in sorted(errors, key=lambda e: (e.file, e.line or 0, e.message)):
            print(str(e), file=sys.stdout)
        print(f"{len(errors)} error{'s' if len(errors) != 1 else ''}: the catalog does not validate.", file=sys.stderr)
        return 1
    print(f"OK: {catalog.summary()}")
    return 0


def _export(data_dir: Path, table: str, fmt: str) -> int:
    try:
        catalog = load_catalog(data_dir)
    except CatalogInvalid as e:
        print(str(e), file=sys.stderr)
        return 1
    if table == "models":
        df = export_models(to_frame(catalog))
    elif table == "scores":
        df = scores_frame(catalog)
    else:
        df = licenses_frame(catalog)
    if fmt == "csv":
        df.to_csv(sys.stdout, index=False)
    else:
        records = [{k: json_safe(v) for k, v in row.items()} for row in df.to_dict(orient="records")]
        json.dump(records, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m components.catalog", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="data folder (default: the bundled data/)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="check every data file; print a summary or every error")
    exp = sub.add_parser("export", help="print a flattened table")
    exp.add_argument("--table", choices=["models", "scores", "licenses"], default="models")
    exp.add_argument("--format", choices=["csv", "json"], default="csv")
    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args.data)
        return _export(args.data, args.table, args.format)
    except BrokenPipeError:  # e.g. `... export | head`: the reader left; not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0


if __name__ == "__main__":
    sys.exit(main())
