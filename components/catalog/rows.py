"""The rows of the models and scores tables, written one model at a time.

Shared by frame.py (`to_frame` on a loaded Catalog) and the bulk loader (straight from validated data, also in its
worker process), so both write the same values. No pandas here: the worker process never imports it.
"""

from __future__ import annotations

from operator import itemgetter

import numpy as np

from .schema import COUNTRY_NAMES, FACT_FIELDS

SCORE_COLUMNS = ["model_id", "benchmark", "setting", "value", "self_reported", "source_url", "version", "note"]

_ROW_COLUMNS = (
    ["id", "name", "family", "family_id", "organization_id", "organization", "org_type", "country", "country_name",
     "size_label", "hf_repo", "notes", "file"]
    + [c for name in FACT_FIELDS for c in (name, f"{name}_source", f"{name}_status")]
    + ["release_event", "release_precision", "license_name", "license_tier", "commercial_use", "license_url",
       "n_scores"]
)

_facts_of = itemgetter(*FACT_FIELDS)
_NONE3 = (None, None, None)
_PRECISION = {1: "year", 2: "month", 3: "day"}
_NO_WEIGHTS = ("No weights (API / product terms only)", "proprietary", None, None)
_UNKNOWN_LICENSE = (None, None, None, None)


class _Rows:
    """A table written row by row: each row one list or tuple (one append, not one per column); `cols` turns the rows
    into columns once all are written."""

    COLUMNS: list[str]

    def __init__(self) -> None:
        self.rows: list = []
        self._cols: dict[str, list] | None = None

    @property
    def cols(self) -> dict[str, list]:
        if self._cols is None:
            self._cols = dict(zip(self.COLUMNS, _transpose(self.rows, len(self.COLUMNS)), strict=True))
        return self._cols


class ModelRows(_Rows):
    """The models table, one model at a time (`add`)."""

    COLUMNS = _ROW_COLUMNS

    def __init__(self, organizations: dict, licenses: dict):
        super().__init__()
        self.unresolved_sources = 0  # facts whose source key is not in their family's `sources` (rule source_resolves)
        self._orgs = {oid: (org.name, org.type, org.country, COUNTRY_NAMES.get(org.country))
                      for oid, org in organizations.items()}
        self._licenses = {lid: (lic.name, lic.tier, lic.commercial_use, lic.url) for lid, lic in licenses.items()}

    def add(self, mid: str, family: str, family_id: str, organization: str, d: dict, sources: dict,
            file: str) -> None:
        """One model: `d` holds every Variant field (the variant's __dict__, family defaults applied)."""
        org = self._orgs.get(organization)
        row = [mid, d["name"], family, family_id, organization,
               *(org if org else (organization, None, None, None)),
               d["size_label"], d["hf_repo"], d["notes"], file]
        for f in _facts_of(d):
            if f is None:
                row += _NONE3
                continue
            value = f.value
            if isinstance(value, list):
                value = ", ".join(value)
            src = sources.get(f.source)
            if src is None:
                self.unresolved_sources += 1
                row += (value, None, f.status)
            else:
                row += (value, src.url, f.status)
        rd = d["release_date"]
        lic = d["license"]
        info = self._licenses.get(lic.value) if lic is not None and lic.value else None
        if info is None:
            w = d["weights"]
            info = _NO_WEIGHTS if w is not None and w.value in ("closed", "unreleased") else _UNKNOWN_LICENSE
        row += (rd.event if rd else None, _PRECISION[len(rd.value.split("-"))] if rd and rd.value else None,
                *info, len(d["scores"]))
        self.rows.append(row)
        self._cols = None


def _transpose(rows: list, width: int) -> list[list]:
    """Rows (equal-length sequences of scalars) to columns (lists)."""
    if not rows:
        return [[] for _ in range(width)]
    try:  # numpy's object-array transpose is faster than zip(*rows) on 100k rows
        table = np.array(rows, dtype=object)
        if table.shape == (len(rows), width):  # (a value that is itself a sequence would add a dimension)
            return table.T.tolist()
    except ValueError:
        pass
    return list(map(list, zip(*rows, strict=True)))


class ScoreRows(_Rows):
    """The scores table, one model's scores at a time (`add`)."""

    COLUMNS = SCORE_COLUMNS

    def add(self, mid: str, scores: list, sources: dict) -> None:
        append = self.rows.append
        for s in scores:
            src = sources[s.source]
            append((mid, s.benchmark, s.setting, s.value, s.self_reported, src.url, s.version or src.version, s.note))
        self._cols = None
