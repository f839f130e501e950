"""Load data/ into a validated Catalog, collecting every error before giving up.

Layout (ids come from file names, so they are never retyped):
    data/organizations/<org-id>.yaml
    data/licenses/<license-id>.yaml
    data/benchmarks/<benchmark-id>.yaml
    data/models/<family-id>.yaml      -> model ids "<family-id>/<variant-key>"
"""

from __future__ import annotations

import gc
import hashlib
import os
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .errors import CatalogError, CatalogInvalid
from .schema import (
    FACT_FIELDS,
    SLUG,
    Benchmark,
    Defaults,
    FamilyFile,
    FamilyHeader,
    License,
    Organization,
    Score,
    Source,
    Variant,
)
from .yaml_lines import FastPathMiss, ParsedYaml, parse_fast, parse_yaml
from .yaml_subset import SubsetReader, Unsupported

BUNDLED_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
# ATLAS_DATA_DIR points the app and the CLI at another catalog (benchmarks, tests); default: bundled.
DATA_DIR = Path(os.environ.get("ATLAS_DATA_DIR") or BUNDLED_DATA_DIR)


@dataclass(frozen=True)
class ModelRecord:
    """One variant with its family's defaults applied and its sources at hand."""

    id: str
    family_id: str
    family: str
    organization: str
    variant: Variant
    sources: dict[str, Source]
    file: str
    lines: dict[str, int] = field(default_factory=dict)  # field name -> line in the file

    def fact(self, name: str):
        return getattr(self.variant, name)

    def source_url(self, name: str) -> str | None:
        f = self.fact(name)
        if f is None:
            return None
        src = self.sources.get(f.source)
        return src.url if src else None


@dataclass
class Catalog:
    organizations: dict[str, Organization]
    licenses: dict[str, License]
    benchmarks: dict[str, Benchmark]
    families: dict[str, FamilyFile]
    models: dict[str, ModelRecord]
    data_dir: Path
    version: str  # short hash of every data file: changes whenever any fact changes

    def summary(self) -> str:
        return summary_text(
            n_models=len(self.models), n_families=len(self.families),
            n_organizations_used=len({m.organization for m in self.models.values()}),
            n_organizations=len(self.organizations), n_licenses=len(self.licenses),
            n_benchmarks=len(self.benchmarks), n_scores=sum(len(m.variant.scores) for m in self.models.values()),
            version=self.version)


def summary_text(*, n_models: int, n_families: int, n_organizations_used: int, n_organizations: int,
                 n_licenses: int, n_benchmarks: int, n_scores: int, version: str) -> str:
    return (
        f"{n_models} models in {n_families} families, {n_organizations_used} organizations "
        f"({n_organizations} listed), {n_licenses} licenses, "
        f"{n_benchmarks} benchmarks, {n_scores} scores; data version {version}"
    )


def _rel(path: Path, data_dir: Path) -> str:
    try:
        return str(Path("data") / path.relative_to(data_dir))
    except ValueError:
        return str(path)


def _read(path: Path, data_dir: Path, errors: list[CatalogError], family_stem: str | None) -> ParsedYaml | None:
    rel = _rel(path, data_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        errors.append(CatalogError(rel, None, None, None, f"not UTF-8 text ({e.reason} at byte {e.start})", "file"))
        return None
    except OSError as e:  # a folder named *.yaml, a broken link, no permission
        errors.append(CatalogError(rel, None, None, None, f"cannot be read ({e.strerror or e})", "file"))
        return None
    try:
        parsed = parse_yaml(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(e, "problem", None) or str(e)
        errors.append(CatalogError(rel, line, None, None, f"not valid YAML: {problem}", "yaml"))
        return None
    for dup_path, line, first in parsed.duplicates:
        model, fld = _model_and_field(dup_path) if family_stem else (None, ".".join(map(str, dup_path)))
        model = f"{family_stem}/{model}" if model else None
        errors.append(CatalogError(
            rel, line, model, fld,
            f"duplicate key '{dup_path[-1]}' (first defined on line {first}); the second one is ignored",
            "duplicate_key"))
    if not isinstance(parsed.data, dict):
        errors.append(CatalogError(rel, 1, None, None, "the file must be a YAML mapping (key: value lines)", "file"))
        return None
    return parsed


def _model_and_field(loc: tuple) -> tuple[str | None, str | None]:
    """Split a location inside a family file into (variant key, dotted field)."""
    loc = tuple(str(p) for p in loc)
    if len(loc) >= 2 and loc[0] == "variants":
        return loc[1], ".".join(loc[2:]) or None
    return None, ".".join(loc) or None


def _describe(err: dict[str, Any]) -> str:
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        return "unknown field (a typo? see docs/CURATING.md for the allowed fields)"
    if err["type"] == "missing":
        return "required field is missing"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    given = err.get("input")
    if err["type"] not in {"missing", "extra_forbidden"} and not isinstance(given, (dict, list)):
        msg += f" (got {given!r})"
    return msg


def _pydantic_errors(e: ValidationError, parsed: ParsedYaml, rel: str, prefix: tuple,
                     model_id: str | None) -> list[CatalogError]:
    out = []
    for err in e.errors():
        loc = prefix + tuple(err["loc"])
        fld = ".".join(map(str, loc[len(prefix):])) or None
        out.append(CatalogError(rel, parsed.line_of(loc), model_id, fld, _describe(err)))
    return out


def _validate_simple(schema: type[BaseModel], parsed: ParsedYaml, rel: str, errors: list[CatalogError]):
    try:
        return schema.model_validate(parsed.data)
    except ValidationError as e:
        errors.extend(_pydantic_errors(e, parsed, rel, (), None))
        return None


def _validate_family(parsed: ParsedYaml, rel: str, stem: str, errors: list[CatalogError]) -> FamilyFile | None:
    """Header first, then each variant alone: a broken variant never hides the others."""
    data = dict(parsed.data)
    raw_variants = data.pop("variants", None)
    try:
        header = FamilyHeader.model_validate(data)
    except ValidationError as e:
        errors.extend(_pydantic_errors(e, parsed, rel, (), None))
        header = None
    if not isinstance(raw_variants, dict) or not raw_variants:
        errors.append(CatalogError(rel, parsed.line_of(("variants",)), None, "variants",
                                   "a family needs a `variants:` mapping with at least one variant"))
        return None
    variants: dict[str, Variant] = {}
    for key, raw in raw_variants.items():
        model_id = f"{stem}/{key}"
        if not SLUG.match(str(key)):
            errors.append(CatalogError(rel, parsed.line_of(("variants", key)), model_id, None,
                                       "variant key must be a lowercase slug (a-z, 0-9, '.', '_', '-')"))
            continue
        try:
            variants[key] = Variant.model_validate(raw)
        except ValidationError as e:
            errors.extend(_pydantic_errors(e, parsed, rel, ("variants", key), model_id))
    if header is None or not variants:
        return None
    return FamilyFile.model_construct(**dict(header), variants=variants)


def _data_version(files: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(files):
        h.update(p.name.encode())
        try:
            h.update(p.read_bytes())
        except OSError:  # (reported by _read: the catalog is invalid, its version never shown)
            h.update(b"\0unreadable")
    return h.hexdigest()[:10]


def _family_defaults(fam: FamilyFile) -> dict[str, Any]:
    """The family's default facts that are set (name -> fact), in Defaults' field order."""
    if fam.defaults is None:
        return {}
    return {name: value for name, value in fam.defaults.__dict__.items() if value is not None}


def _merge_defaults(fam: FamilyFile, variant: Variant, defaults: dict[str, Any] | None = None) -> Variant:
    """The variant with each unset fact taken from the family's defaults (`defaults`: _family_defaults(fam),
    when the caller merges many variants of one family)."""
    if defaults is None:
        defaults = _family_defaults(fam)
    if not defaults:
        return variant
    own = variant.__dict__
    update = {name: value for name, value in defaults.items() if own[name] is None}
    if not update:
        return variant
    # = variant.model_copy(update=update), without its generic copying (this runs for every model)
    merged = Variant.__new__(Variant)
    object.__setattr__(merged, "__dict__", {**own, **update})
    object.__setattr__(merged, "__pydantic_fields_set__", variant.__pydantic_fields_set__ | update.keys())
    object.__setattr__(merged, "__pydantic_extra__", None)
    object.__setattr__(merged, "__pydantic_private__", None)
    return merged


def check_catalog(data_dir: Path = DATA_DIR) -> tuple[Catalog | None, list[CatalogError]]:
    """Validate everything; return the catalog (None if any error) and every error found."""
    data_dir = Path(data_dir)
    if os.environ.get("ATLAS_FAST_LOAD", "1") != "0":
        try:
            catalog = _check_fast(data_dir)
        except Exception:  # noqa: BLE001 - the fast path is only a speed-up: on any surprise the careful path decides
            catalog = None
        if catalog is not None:
            return catalog, []
    return _check_lines(data_dir)


def _check_lines(data_dir: Path) -> tuple[Catalog | None, list[CatalogError]]:
    """The careful path: every file through the line-tracking parser, every error with its line."""
    from .rules import run_rules  # rules need the Catalog type defined above

    errors: list[CatalogError] = []
    if not data_dir.is_dir():
        return None, [CatalogError(str(data_dir), None, None, None, "data folder not found", "file")]

    tables: dict[str, dict[str, Any]] = {}
    all_files: list[Path] = []
    for folder, schema in (("organizations", Organization), ("licenses", License),
                           ("benchmarks", Benchmark), ("models", FamilyFile)):
        table: dict[str, Any] = {}
        files = sorted((data_dir / folder).glob("*.yaml")) if (data_dir / folder).is_dir() else []
        if not files:
            errors.append(CatalogError(f"data/{folder}/", None, None, None, "no .yaml files found", "file"))
        for path in files:
            all_files.append(path)
            rel = _rel(path, data_dir)
            parsed = _read(path, data_dir, errors, path.stem if schema is FamilyFile else None)
            if parsed is None:
                continue
            if schema is FamilyFile:
                obj = _validate_family(parsed, rel, path.stem, errors)
            else:
                obj = _validate_simple(schema, parsed, rel, errors)
            if obj is not None:
                table[path.stem] = (obj, parsed, rel)
        tables[folder] = table

    models: dict[str, ModelRecord] = {}
    for stem, (fam, parsed, rel) in tables["models"].items():
        for key, variant in fam.variants.items():
            lines = {
                name: parsed.line_of(("variants", key, name))
                for name in (*FACT_FIELDS, "hf_repo", "scores", "name")
            }
            lines["_variant"] = parsed.line_of(("variants", key))
            models[f"{stem}/{key}"] = ModelRecord(
                id=f"{stem}/{key}", family_id=stem, family=fam.family, organization=fam.organization,
                variant=_merge_defaults(fam, variant), sources=fam.sources, file=rel,
                lines={k: v for k, v in lines.items() if v is not None},
            )

    catalog = Catalog(
        organizations={k: v[0] for k, v in tables["organizations"].items()},
        licenses={k: v[0] for k, v in tables["licenses"].items()},
        benchmarks={k: v[0] for k, v in tables["benchmarks"].items()},
        families={k: v[0] for k, v in tables["models"].items()},
        models=models,
        data_dir=data_dir,
        version=_data_version(all_files) if all_files else "empty",
    )
    family_lines = {rel: parsed for _, (_, parsed, rel) in tables["models"].items()}
    errors.extend(run_rules(catalog, family_lines))
    return (None if errors else catalog), errors


class _FileLines:
    """A family file's key lines, parsed (with the line-tracking parser) only when first asked for."""

    def __init__(self, path: Path):
        self.path = path
        self._parsed: ParsedYaml | None = None

    def line_of(self, loc: tuple) -> int | None:
        if self._parsed is None:
            self._parsed = parse_yaml(self.path.read_text(encoding="utf-8"))
        return self._parsed.line_of(loc)


class _LazyLines(Mapping):
    """ModelRecord.lines for the fast path: the same mapping as the careful path builds, computed on first use
    (only error messages need line numbers, and a catalog that loads on the fast path has none)."""

    def __init__(self, file_lines: _FileLines, key: str):
        self._file, self._key, self._lines = file_lines, key, None

    def _get(self) -> dict[str, int]:
        if self._lines is None:
            f, key = self._file, self._key
            lines = {name: f.line_of(("variants", key, name)) for name in (*FACT_FIELDS, "hf_repo", "scores", "name")}
            lines["_variant"] = f.line_of(("variants", key))
            self._lines = {k: v for k, v in lines.items() if v is not None}
        return self._lines

    def __getitem__(self, k: str) -> int:
        return self._get()[k]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __repr__(self) -> str:
        return repr(self._get())


_SIMPLE_SCHEMAS = {"organizations": Organization, "licenses": License, "benchmarks": Benchmark}


def _check_fast(data_dir: Path) -> Catalog | None:
    # Bulk loading allocates millions of long-lived objects and no cycles: the cyclic GC would only rescan them
    # (about a quarter of the load time at 100k models).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _check_fast_inner(data_dir)
    finally:
        if was_enabled:
            gc.enable()


def _read_folder(folder: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of every *.yaml entry in `folder`, sorted by name: those of sorted(folder.glob("*.yaml")) (a
    folder by such a name fails to read, as it does there). scandir + reads relative to one open folder: a third of
    the system calls of glob + Path.read_bytes."""
    names = sorted(e.name for e in os.scandir(folder) if e.name.endswith(".yaml"))
    out = []
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        for name in names:
            fd = os.open(name, os.O_RDONLY, dir_fd=dir_fd)
            try:
                chunks = []
                while chunk := os.read(fd, 1 << 20):
                    chunks.append(chunk)
            finally:
                os.close(fd)
            out.append((name, chunks[0] if len(chunks) == 1 else b"".join(chunks)))
    finally:
        os.close(dir_fd)
    return out


class _Validator:
    """Pydantic validation of family files, each distinct fact or score object validated once.

    With SubsetReader(share=True), every repetition of a one-line fact or score (`kind: {value: base, source: card}`
    in 30,000 variants) is one and the same dict: it is validated once, by the same pydantic class the careful path
    uses, and its (frozen) result is shared. Pydantic takes an instance of the exact field class as it is, so a
    variant validated with its facts already validated equals one validated from the raw dicts. Objects are
    memoised by identity; `_keep` holds them, so an id is never reused while the memo lives."""

    def __init__(self) -> None:
        self._keep: list = []
        self._variant = self._memos(_VARIANT_FACTS)
        self._defaults = self._memos(_DEFAULT_FACTS)
        self._scores: dict[int, Score] = {}

    @staticmethod
    def _memos(classes: dict[str, type[BaseModel]]) -> dict[str, tuple[type[BaseModel], dict[int, BaseModel]]]:
        return {name: (cls, {}) for name, cls in classes.items()}

    def _facts(self, raw: dict, memos: dict) -> dict:
        out = {}
        for name, value in raw.items():
            m = memos.get(name)
            if m is not None and type(value) is dict:
                inst = m[1].get(id(value))
                if inst is None:
                    inst = m[1][id(value)] = m[0].model_validate(value)
                    self._keep.append(value)
                value = inst
            elif name == "scores" and type(value) is list:
                value = [self._score(s) for s in value]
            out[name] = value
        return out

    def _score(self, raw: Any) -> Any:
        if type(raw) is not dict:
            return raw  # (pydantic refuses it in context)
        inst = self._scores.get(id(raw))
        if inst is None:
            inst = self._scores[id(raw)] = Score.model_validate(raw)
            self._keep.append(raw)
        return inst

    def header(self, data: dict) -> tuple[FamilyHeader, dict]:
        """The validated header and the raw `variants` mapping (checked: non-empty, slug keys)."""
        header = {k: v for k, v in data.items() if k != "variants"}
        defaults = header.get("defaults")
        if type(defaults) is dict:
            header["defaults"] = Defaults.model_validate(self._facts(defaults, self._defaults))
        head = FamilyHeader.model_validate(header)
        raw_variants = data.get("variants")
        if type(raw_variants) is not dict or not raw_variants:
            raise FastPathMiss("no variants")
        for key in raw_variants:
            if type(key) is not str or not SLUG.match(key):
                raise FastPathMiss("variant key")
        return head, raw_variants

    def variant_input(self, raw: Any) -> Any:
        """What to give Variant.model_validate: the raw variant with its facts and scores validated (memoised)."""
        return self._facts(raw, self._variant) if type(raw) is dict else raw

    def family(self, data: dict) -> FamilyFile:
        """The FamilyFile the careful path builds (header, then each variant on its own); raises ValidationError or
        FastPathMiss where the careful path would report an error."""
        head, raw_variants = self.header(data)
        validate, variant_input = Variant.model_validate, self.variant_input
        variants = {key: validate(variant_input(raw)) for key, raw in raw_variants.items()}
        return FamilyFile.model_construct(**dict(head), variants=variants)


def _fact_classes(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """field -> its model class, for the `Fact[...] | None` fields of `model`."""
    out = {}
    for name, info in model.model_fields.items():
        if typing.get_origin(info.annotation) not in (typing.Union, types.UnionType):
            continue
        args = [a for a in typing.get_args(info.annotation) if a is not type(None)]
        if len(args) == 1 and isinstance(args[0], type) and issubclass(args[0], BaseModel):
            out[name] = args[0]
    return out


_VARIANT_FACTS = _fact_classes(Variant)
_DEFAULT_FACTS = _fact_classes(Defaults)


def fast_parser():
    """text -> data for the fast paths: the subset reader, then a compiled YAML parser where it is not sure (raises
    FastPathMiss where only the careful parser will do). ATLAS_YAML_PARSER=pyyaml: libyaml alone."""
    use_accelerators = os.environ.get("ATLAS_YAML_PARSER", "") != "pyyaml"
    reader = SubsetReader(share=True) if use_accelerators else None

    def parse(text: str) -> dict:
        if reader is not None:
            try:
                return reader.read(text)
            except Unsupported:
                pass
        return parse_fast(text, allow_rs=use_accelerators)

    return parse


def _check_fast_inner(data_dir: Path) -> Catalog | None:
    """The catalog when every file parses cleanly, validates and passes every rule; None otherwise (the caller
    then runs the careful path, which finds and words every error exactly as before).

    The subset reader (or a compiled YAML parser), each distinct fact validated once, no line bookkeeping: lines are
    parsed lazily if asked for."""
    from .rules import run_rules

    if not data_dir.is_dir():
        return None
    parse = fast_parser()
    validator = _Validator()
    h = hashlib.sha256()  # = _data_version(files): name and bytes of every file, in path order (folders sorted)
    tables: dict[str, dict[str, Any]] = {}
    try:
        for folder in ("benchmarks", "licenses", "models", "organizations"):
            files = _read_folder(data_dir / folder) if (data_dir / folder).is_dir() else []
            if not files:
                return None
            schema = _SIMPLE_SCHEMAS.get(folder)
            table: dict[str, Any] = {}
            for name, data in files:
                h.update(name.encode())
                h.update(data)
                parsed = parse(data.decode("utf-8"))
                table[name[:-5]] = schema.model_validate(parsed) if schema else validator.family(parsed)
            tables[folder] = table
    except (OSError, UnicodeDecodeError, FastPathMiss, ValidationError):
        return None
    del validator, parse

    models: dict[str, ModelRecord] = {}
    models_dir = data_dir / "models"
    for stem, fam in tables["models"].items():
        rel = f"data/models/{stem}.yaml"  # = _rel(...)
        file_lines = _FileLines(models_dir / f"{stem}.yaml")
        family, organization, sources = fam.family, fam.organization, fam.sources
        defaults = _family_defaults(fam)
        for key, variant in fam.variants.items():
            mid = f"{stem}/{key}"
            models[mid] = ModelRecord(
                id=mid, family_id=stem, family=family, organization=organization,
                variant=_merge_defaults(fam, variant, defaults), sources=sources, file=rel,
                lines=_LazyLines(file_lines, key),
            )
    catalog = Catalog(
        organizations=tables["organizations"], licenses=tables["licenses"], benchmarks=tables["benchmarks"],
        families=tables["models"], models=models, data_dir=data_dir, version=h.hexdigest()[:10],
    )
    if run_rules(catalog):
        return None
    return catalog


def load_catalog(data_dir: Path = DATA_DIR) -> Catalog:
    catalog, errors = check_catalog(data_dir)
    if errors:
        raise CatalogInvalid(errors)
    assert catalog is not None
    return catalog
