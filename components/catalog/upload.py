"""Bring-your-own models: parse an uploaded CSV/JSON in the export format, validate every row with
the catalog's own schema and rules, and return the valid rows as frame rows plus a per-row report.

Nothing here touches the bundled catalog; the caller keeps the result for one browser session.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

import pandas as pd
from pydantic import ValidationError

from .frame import MODEL_COLUMNS, to_frame
from .loader import Catalog, ModelRecord
from .rules import RULES
from .schema import Source, Variant

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
USER_PREFIX = "user/"
# Rules that make sense for a single uploaded row (cross-file ones need catalog files).
ROW_RULES = ("moe_experts", "moe_active_below_total", "dense_has_no_experts", "closed_weights_no_download",
             "release_date_real", "required_facts")
_UPLOAD_SOURCE = "upload"
_FACT_COLUMNS = ("kind", "release_date", "weights", "architecture", "params_total_b", "params_active_b",
                 "experts_total", "experts_active", "experts_shared", "context_length", "vocab_size", "layers",
                 "hidden_size", "training_tokens_t", "modalities_in", "modalities_out")
INT_FIELDS = {"experts_total", "experts_active", "experts_shared", "context_length", "vocab_size", "layers",
              "hidden_size"}
FLOAT_FIELDS = {"params_total_b", "params_active_b", "training_tokens_t"}


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based data row (header not counted)
    field: str | None
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}" + (f", {self.field}" if self.field else "") + f": {self.reason}"


@dataclass
class UploadResult:
    models: pd.DataFrame | None = None  # frame rows (same columns as to_frame), ids prefixed "user/"
    errors: list[RowError] = field(default_factory=list)
    fatal: str | None = None  # one clear message when the whole file is unusable
    n_rows: int = 0


def template_csv() -> str:
    """A downloadable template: the export columns with one example row (fictional)."""
    example = {
        "id": "my-model-7b", "name": "My Model 7B", "family": "My Model", "organization": "My Lab",
        "release_date": "2025-03", "weights": "open", "license": "apache-2.0", "architecture": "dense",
        "params_total_b": "7.2", "context_length": "32768", "vocab_size": "32000", "modalities_in": "text",
        "kind": "instruct",
    }
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=MODEL_COLUMNS)
    writer.writeheader()
    writer.writerow({c: example.get(c, "") for c in MODEL_COLUMNS})
    return buf.getvalue()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"the file is not UTF-8 text (byte {e.start}); save it as UTF-8 and upload again") from e


def _read_rows(name: str, data: bytes) -> list[dict]:
    text = _decode(data)
    if not text.strip():
        raise ValueError("the file is empty")
    lower = name.lower()
    if lower.endswith(".json"):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as e:
            raise ValueError(f"not valid JSON (line {e.lineno}: {e.msg})") from e
        if isinstance(parsed, dict) and isinstance(parsed.get("models"), list):
            parsed = parsed["models"]
        if not isinstance(parsed, list) or not all(isinstance(r, dict) for r in parsed):
            raise ValueError("JSON must be a list of model objects (as the JSON export writes)")
        return parsed
    if lower.endswith(".csv"):
        try:
            reader = csv.DictReader(io.StringIO(text))
            rows = list(reader)
        except csv.Error as e:
            raise ValueError(f"not valid CSV ({e})") from e
        if not reader.fieldnames or "name" not in reader.fieldnames:
            raise ValueError("the CSV has no 'name' column; start from the template")
        return rows
    raise ValueError("only .csv and .json files are accepted")


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v)


def _fact_value(name: str, raw):
    if name in ("modalities_in", "modalities_out"):
        items = raw if isinstance(raw, list) else str(raw).split(",")
        return [str(x).strip() for x in items if str(x).strip()]
    if name in INT_FIELDS:
        number = float(raw)
        if number != int(number):
            raise ValueError(f"{raw!r} is not a whole number")
        return int(number)
    if name in FLOAT_FIELDS:
        return float(raw)
    return str(raw).strip()


def _row_variant(row: dict, index: int, errors: list[RowError], licenses: set[str]) -> Variant | None:
    payload: dict = {"name": row.get("name")}
    lic = row.get("license")
    if not _blank(lic):
        if str(lic).strip() not in licenses:
            errors.append(RowError(index, "license", f"{str(lic)[:40]!r} is not a license id of the catalog "
                                   "(see the Licenses page), or leave it empty"))
            return None
        payload["license"] = {"value": str(lic).strip(), "source": _UPLOAD_SOURCE}
    for name in _FACT_COLUMNS:
        raw = row.get(name)
        if _blank(raw):
            continue
        try:
            value = _fact_value(name, raw)
        except (TypeError, ValueError):
            errors.append(RowError(index, name, f"{str(raw)[:40]!r} is not a number"))
            return None
        fact = {"value": value, "source": _UPLOAD_SOURCE}
        if name == "release_date":
            fact["event"] = "announcement"
        payload[name] = fact
    if not _blank(row.get("hf_repo")):
        payload["hf_repo"] = str(row["hf_repo"]).strip()
    if _blank(payload["name"]):
        errors.append(RowError(index, "name", "a name is required"))
        return None
    try:
        return Variant.model_validate(payload)
    except ValidationError as e:
        for err in e.errors():
            loc = [str(p) for p in err["loc"] if p not in ("value",)]
            msg = err["msg"].removeprefix("Value error, ")
            errors.append(RowError(index, ".".join(loc) or None, msg))
        return None


def parse_upload(name: str, data: bytes, catalog: Catalog) -> UploadResult:
    """Validate an upload. Valid rows come back as frame rows; invalid rows are listed, never kept."""
    if len(data) > MAX_BYTES:
        return UploadResult(fatal=f"the file is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES // 1_000_000} MB")
    try:
        rows = _read_rows(name, data)
    except ValueError as e:
        return UploadResult(fatal=str(e))
    if not rows:
        return UploadResult(fatal="the file has a header but no rows")
    if len(rows) > MAX_ROWS:
        return UploadResult(fatal=f"the file has {len(rows):,} rows; the limit is {MAX_ROWS:,}")

    ids = [str(r.get("id") or "").strip() or f"row-{i}" for i, r in enumerate(rows, 1)]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        return UploadResult(fatal=f"duplicate ids: {', '.join(d[:40] for d in dupes[:5])}"
                            + (" …" if len(dupes) > 5 else "") + "; every row needs its own id",
                            n_rows=len(rows))

    errors: list[RowError] = []
    records: dict[str, ModelRecord] = {}
    sources = {_UPLOAD_SOURCE: Source(url="https://upload.invalid/", kind="documentation", title="your upload")}
    for index, (row, rid) in enumerate(zip(rows, ids, strict=True), 1):
        variant = _row_variant(row, index, errors, set(catalog.licenses))
        if variant is None:
            continue
        org = str(row.get("organization") or "").strip() or "Your models"
        records[USER_PREFIX + rid] = ModelRecord(
            id=USER_PREFIX + rid, family_id="user", family=str(row.get("family") or "").strip() or "Your models",
            organization=org, variant=variant, sources=sources, file=f"row {index}",
            lines={"_variant": index})

    mini = Catalog(organizations=catalog.organizations, licenses=catalog.licenses, benchmarks=catalog.benchmarks,
                   families={}, models=records, data_dir=catalog.data_dir, version="upload")
    bad: set[str] = set()
    for rule_id in ROW_RULES:
        for e in RULES[rule_id](mini):
            errors.append(RowError(int(e.file.split()[-1]), e.field, e.message))
            bad.add(e.model)
    for model_id in bad:
        records.pop(model_id, None)
    if not records:
        return UploadResult(errors=sorted(errors, key=lambda e: e.row), n_rows=len(rows))
    mini.models = records
    frame = to_frame(mini)
    frame["organization"] = [records[i].organization for i in frame["id"]]
    frame["user"] = True
    for col in [c for c in frame.columns if c.endswith("_source")]:
        frame[col] = None  # uploads carry no sources; never show the internal placeholder
    return UploadResult(models=frame, errors=sorted(errors, key=lambda e: e.row), n_rows=len(rows))
