"""Family files straight to table rows, for the bulk loader (bulk.py): parse, validate, check and write the rows of a
list of family files. Runs in the loading process and, for a big catalog, in a worker process (parallel.py), which is
why nothing here imports pandas (a third of a second less before the worker can start).

    part = models_part(files, organizations, licenses)   # a Part, or None: the careful path must look at these files

What pydantic would say about each variant, said faster where it is sure (`Variants.fields`); everything else left
to pydantic, and any doubt (a file the YAML readers refuse, a validation error, a broken rule) gives None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .loader import _VARIANT_FACTS, _family_defaults, _Validator, fast_parser
from .rows import ModelRows, ScoreRows
from .schema import HF_REPO, PLACEHOLDERS, Score, Variant
from .yaml_lines import FastPathMiss


# ---------------------------------------------------------------- a variant's own fields
def _text(x: Any) -> bool:  # Text: a str of at least one character
    return type(x) is str and len(x) >= 1


def _opt_plain_text(x: Any) -> bool:  # Text | None with the _no_placeholder validator
    return x is None or (type(x) is str and len(x) >= 1 and x.strip().lower() not in PLACEHOLDERS)


_HF_REPO = re.compile(HF_REPO.pattern)


def _opt_hf_repo(x: Any) -> bool:  # Annotated[str, Field(pattern=HF_REPO)] | None (pydantic: the whole string)
    return x is None or (type(x) is str and _HF_REPO.fullmatch(x) is not None)


SCALAR_CHECKS = {"name": _text, "size_label": _opt_plain_text, "notes": _opt_plain_text, "hf_repo": _opt_hf_repo}
_FIELDS = Variant.model_fields
_REQUIRED = frozenset(name for name, f in _FIELDS.items() if f.is_required())
# The check knows every Variant field; a field added to the schema switches it off (pydantic then does it all).
VARIANT_CHECK = set(_FIELDS) == set(_VARIANT_FACTS) | set(SCALAR_CHECKS) | {"scores"} and _REQUIRED == {"name"}
_TEMPLATE = {name: None for name in _FIELDS}  # every field, in the schema's order; scores get a new list each


class Variants(_Validator):
    def fields(self, raw: Any, base: dict) -> dict:
        """Every Variant field as Variant.model_validate(raw) sets it (its __dict__), the family's default facts
        applied (as loader._merge_defaults); raises ValidationError. `base`: _TEMPLATE updated with those defaults.

        Facts and scores: validated by pydantic, each distinct object once. The variant's own keys and its name,
        size_label, notes and hf_repo: checked here where the check is sure (a str, not empty, not a placeholder,
        the repo pattern over the whole string; no unknown key, a name), else pydantic decides."""
        if type(raw) is not dict:
            return _merged(Variant.model_validate(raw).__dict__, base)
        d = dict(base)
        sure = VARIANT_CHECK and "name" in raw
        memos, score_memo, score, checks = self._variant, self._scores, self._score, SCALAR_CHECKS
        for name, value in raw.items():
            m = memos.get(name)
            if m is not None:
                if type(value) is dict:
                    inst = m[1].get(id(value))
                    if inst is None:
                        inst = m[1][id(value)] = m[0].model_validate(value)
                        self._keep.append(value)
                    d[name] = inst
                elif value is not None:
                    sure = False
                # (None: the family's default, if any, stays)
            elif name == "scores":
                if type(value) is list:  # (a Score instance is always true)
                    value = [score_memo.get(id(x)) or score(x) for x in value]
                    if sure:
                        for x in value:
                            if type(x) is not Score:
                                sure = False
                                break
                else:
                    sure = False
                d[name] = value
            else:
                check = checks.get(name)
                if check is None or not check(value):
                    sure = False
                d[name] = value
        if sure:
            if "scores" not in raw:
                d["scores"] = []
            return d
        return _merged(Variant.model_validate(self.variant_input(raw)).__dict__, base)


def _merged(own: dict, base: dict) -> dict:
    """A variant's fields with the defaults in `base` where it has none (= loader._merge_defaults)."""
    d = dict(own)
    for name, value in base.items():
        if value is not None and d[name] is None:
            d[name] = value
    return d


@dataclass
class Part:
    """Some family files, validated and written as table columns (in file order)."""

    cols: dict[str, list]
    score_cols: dict[str, list]
    n_families: int
    organizations_used: set[str]
    n_scores: int
    text: dict[str, tuple] | None = None  # column -> frame.text_piece(values) (set in the loading process)
    score_text: dict[str, tuple] | None = None


class Work:
    """The parser and validator one process uses for all its parts (their memos are what make them fast)."""

    def __init__(self) -> None:
        self._tools: tuple | None = None

    def tools(self) -> tuple:
        if self._tools is None:  # (created where first used: in a worker process, its own)
            self._tools = (fast_parser(), Variants())
        return self._tools

    def __getstate__(self) -> dict:  # (sent to a worker process without its memos)
        return {"_tools": None}


def models_part(files: list[tuple[str, bytes]], organizations: dict, licenses: dict,
                work: Work | None = None) -> Part | None:
    """Parse, validate and write the rows of these family files; None when one breaks a rule checked here or has
    anything the careful path should look at."""
    try:
        return _models_rows(files, organizations, licenses, work or Work())
    except (OSError, UnicodeDecodeError, FastPathMiss, ValidationError):
        return None


def _models_rows(files: list[tuple[str, bytes]], organizations: dict, licenses: dict, work: Work) -> Part | None:
    parse, variants = work.tools()
    rows, score_rows = ModelRows(organizations, licenses), ScoreRows()
    add_row, add_scores, fields = rows.add, score_rows.add, variants.fields
    used_orgs: set[str] = set()
    n_scores = 0
    for name, data in files:
        stem = name[:-5]
        head, raw_variants = variants.header(parse(data.decode("utf-8")))
        family, organization, sources = head.family, head.organization, head.sources
        if organization not in organizations:  # organization_resolves
            return None
        used_orgs.add(organization)
        base = dict(_TEMPLATE)
        base.update(_family_defaults(head))
        rel = f"data/models/{stem}.yaml"  # = loader._rel(...)
        for key, raw in raw_variants.items():
            d = fields(raw, base)
            mid = f"{stem}/{key}"
            add_row(mid, family, stem, organization, d, sources, rel)
            scores = d["scores"]
            if scores:
                for s in scores:  # source_resolves (scores)
                    if s.source not in sources:
                        return None
                # score_not_repeated: no two scores with the same benchmark, setting, source and version
                if len(scores) > 1 and len({(s.benchmark, s.setting, s.source, s.version) for s in scores}) < len(scores):
                    return None
                add_scores(mid, scores, sources)
                n_scores += len(scores)
    if rows.unresolved_sources:  # source_resolves (facts)
        return None
    return Part(rows.cols, score_rows.cols, len(files), used_orgs, n_scores)
