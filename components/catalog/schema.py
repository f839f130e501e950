"""The catalog's strict schema: what one data file may contain, field by field.

Every fact about a model is a `Fact`: a value plus the key of the source it was read from
(and, when the source does not plainly disclose it, a status). Rules that span several
fields (MoE expert counts, open weights need a license, ...) live in `rules.py` so each one
can be tested and reported on its own.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

# ---------------------------------------------------------------- enums (as Literals: they
# serialise as plain strings and pydantic names the allowed values in its error message)
Country = Literal[
    "US", "CN", "FR", "GB", "AE", "CA", "DE", "IL", "JP", "KR", "IN", "SG", "CH", "NL",
    "SE", "FI", "IT", "ES", "RU", "TW", "HK", "AU", "SA", "PL", "BR", "INTL",
]
COUNTRY_NAMES: dict[str, str] = {
    "US": "United States", "CN": "China", "FR": "France", "GB": "United Kingdom",
    "AE": "United Arab Emirates", "CA": "Canada", "DE": "Germany", "IL": "Israel",
    "JP": "Japan", "KR": "South Korea", "IN": "India", "SG": "Singapore", "CH": "Switzerland",
    "NL": "Netherlands", "SE": "Sweden", "FI": "Finland", "IT": "Italy", "ES": "Spain",
    "RU": "Russia", "TW": "Taiwan", "HK": "Hong Kong", "AU": "Australia", "SA": "Saudi Arabia",
    "PL": "Poland", "BR": "Brazil", "INTL": "International collaboration",
}
OrgType = Literal["company", "nonprofit", "academic", "government"]
WeightsAccess = Literal["open", "gated_open", "closed", "unreleased"]
LicenseTier = Literal["permissive", "conditional", "non_commercial", "research_only", "proprietary"]
CommercialUse = Literal["yes", "conditional", "no"]
Architecture = Literal["dense", "moe"]
Modality = Literal["text", "image", "audio", "video"]
Kind = Literal["base", "instruct", "reasoning"]
Status = Literal["estimated", "rumored"]
ReleaseEvent = Literal["announcement", "weights", "paper", "api"]
SourceKind = Literal[
    "paper", "model_card", "config", "license", "announcement", "blog", "report",
    "repository", "documentation", "leaderboard",
]

SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
HF_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
PLACEHOLDERS = {"unknown", "n/a", "na", "none", "null", "tbd", "?", "-", ""}


class Strict(BaseModel):
    """Unknown keys are an error: a typo must never silently drop a fact."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _no_placeholder(v: Any) -> Any:
    if isinstance(v, str) and v.strip().lower() in PLACEHOLDERS:
        raise ValueError(f"{v!r} is a placeholder; write null (leave the fact out) when it is unknown")
    return v


Text = Annotated[str, Field(min_length=1)]
Url = Annotated[str, Field(pattern=r"^https?://\S+$")]


# ---------------------------------------------------------------- sources and facts
class Source(Strict):
    url: Url
    title: Text | None = None
    kind: SourceKind
    # Which version of a document the numbers come from (e.g. "arXiv v1, 2025-01-22").
    version: Text | None = None

    _plain = field_validator("title", "version")(_no_placeholder)


T = TypeVar("T")


class Fact(Strict, Generic[T]):
    value: T
    source: Text  # key into the family file's `sources`
    status: Status | None = None  # absent = plainly disclosed by the source
    note: Text | None = None

    _plain = field_validator("value", "note")(_no_placeholder)


class ReleaseFact(Fact[str]):
    # Which date this is: first public weights, the announcement, the paper, or API launch.
    event: ReleaseEvent

    @field_validator("value", mode="before")
    @classmethod
    def _date_shape(cls, v: Any) -> Any:
        if isinstance(v, int) and not isinstance(v, bool):
            v = str(v)  # an unquoted `2023` in YAML is a year, not a number
        if isinstance(v, str) and not DATE.match(v):
            raise ValueError(f"{v!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD (never invent a day)")
        return v


PositiveFloat = Annotated[float, Field(gt=0)]
# Counts reach the tables' Int64 columns by way of float64 (a column with gaps): above 2**53 a count would silently
# change there, or crash. No real count comes near; a bigger one is an error here.
MAX_COUNT = 2**53
PositiveInt = Annotated[int, Field(gt=0, le=MAX_COUNT)]
NonNegInt = Annotated[int, Field(ge=0, le=MAX_COUNT)]


class Score(Strict):
    benchmark: Text  # key into data/benchmarks/
    value: float
    setting: Text | None = None  # e.g. "5-shot", "0-shot CoT", "pass@1"
    source: Text
    self_reported: bool  # True: the lab reporting on its own model; False: independent evaluation
    version: Text | None = None  # paper/report version the number was read from
    note: Text | None = None

    _plain = field_validator("setting", "version", "note")(_no_placeholder)


# Facts that every variant may carry; each names its source. Kept in one tuple so the loader,
# the frame and the data dictionary agree on them.
FACT_FIELDS: tuple[str, ...] = (
    "kind", "release_date", "weights", "license", "architecture",
    "params_total_b", "params_active_b", "experts_total", "experts_active", "experts_shared",
    "context_length", "vocab_size", "layers", "hidden_size", "training_tokens_t",
    "modalities_in", "modalities_out", "base_model",
)


class Variant(Strict):
    name: Text
    size_label: Text | None = None  # the marketing label ("8x7B", "120b"); counts go in params_*
    kind: Fact[Kind] | None = None
    release_date: ReleaseFact | None = None
    weights: Fact[WeightsAccess] | None = None
    license: Fact[str] | None = None  # key into data/licenses/
    architecture: Fact[Architecture] | None = None
    params_total_b: Fact[PositiveFloat] | None = None
    params_active_b: Fact[PositiveFloat] | None = None
    experts_total: Fact[PositiveInt] | None = None
    experts_active: Fact[PositiveInt] | None = None
    experts_shared: Fact[NonNegInt] | None = None
    context_length: Fact[PositiveInt] | None = None
    vocab_size: Fact[PositiveInt] | None = None
    layers: Fact[PositiveInt] | None = None
    hidden_size: Fact[PositiveInt] | None = None
    training_tokens_t: Fact[PositiveFloat] | None = None
    modalities_in: Fact[list[Modality]] | None = None
    modalities_out: Fact[list[Modality]] | None = None
    base_model: Fact[str] | None = None  # catalog id "family-file/variant-key"
    hf_repo: Annotated[str, Field(pattern=HF_REPO.pattern)] | None = None
    notes: Text | None = None
    scores: list[Score] = Field(default_factory=list)

    _plain = field_validator("size_label", "notes")(_no_placeholder)


class Defaults(Strict):
    """Facts shared by every variant of a family; a variant's own value wins."""

    kind: Fact[Kind] | None = None
    release_date: ReleaseFact | None = None
    weights: Fact[WeightsAccess] | None = None
    license: Fact[str] | None = None
    architecture: Fact[Architecture] | None = None
    experts_total: Fact[PositiveInt] | None = None
    experts_active: Fact[PositiveInt] | None = None
    experts_shared: Fact[NonNegInt] | None = None
    context_length: Fact[PositiveInt] | None = None
    vocab_size: Fact[PositiveInt] | None = None
    training_tokens_t: Fact[PositiveFloat] | None = None
    modalities_in: Fact[list[Modality]] | None = None
    modalities_out: Fact[list[Modality]] | None = None


class FamilyHeader(Strict):
    """A family file without its variants (validated first, so one bad variant spoils only itself)."""

    family: Text
    organization: Text  # key into data/organizations/
    description: Text | None = None
    sources: dict[str, Source]
    defaults: Defaults | None = None

    @field_validator("sources")
    @classmethod
    def _slug_keys(cls, v: dict) -> dict:
        for key in v:
            if not SLUG.match(str(key)):
                raise ValueError(f"source key {key!r} must be a lowercase slug (a-z, 0-9, '.', '_', '-')")
        return v


class FamilyFile(FamilyHeader):
    variants: dict[str, Variant] = Field(min_length=1)

    @field_validator("variants")
    @classmethod
    def _variant_keys(cls, v: dict) -> dict:
        for key in v:
            if not SLUG.match(str(key)):
                raise ValueError(f"variant key {key!r} must be a lowercase slug (a-z, 0-9, '.', '_', '-')")
        return v


class Organization(Strict):
    name: Text
    country: Country
    type: OrgType
    url: Url
    source: Url  # where the country / type is stated


class Obligation(Strict):
    # True: the clause exists; False: the license has no such clause; None: not yet checked.
    applies: bool | None
    value: float | None = None  # e.g. the MAU cap (700_000_000) or revenue cap in USD
    excerpt: Text | None = None  # a short verbatim clause
    url: Url | None = None
    note: Text | None = None


OBLIGATIONS: tuple[str, ...] = (
    "mau_cap", "revenue_cap", "attribution", "naming", "acceptable_use_policy",
    "output_training_limit", "territorial_exclusion", "gated_download",
)


class Obligations(Strict):
    mau_cap: Obligation
    revenue_cap: Obligation
    attribution: Obligation
    naming: Obligation
    acceptable_use_policy: Obligation
    output_training_limit: Obligation
    territorial_exclusion: Obligation
    gated_download: Obligation


class License(Strict):
    name: Text
    url: Url
    tier: LicenseTier
    commercial_use: CommercialUse
    osi_approved: bool
    spdx: Text | None = None  # the SPDX id or the Hub's license tag, to cross-check repos
    summary: Text  # plain language, one or two sentences
    obligations: Obligations


class Benchmark(Strict):
    name: Text
    measures: Text
    metric: Text  # e.g. "accuracy", "pass@1", "Elo rating"
    unit: Literal["%", "rating", "score"]
    higher_is_better: bool
    url: Url
    category: Literal["knowledge", "reasoning", "math", "code", "multimodal", "instruction", "long_context", "agentic"]
