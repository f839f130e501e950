"""Which models a picker offers when the catalog is too big to list them all. No Streamlit.

A multiselect over 100,000 models costs a third of a second per rerun in Streamlit alone and sends every
label to the browser each time. Past `PICKER_LIMIT` models a picker therefore shows a search box: it offers
the models whose label or id contains the typed text (case-insensitive), in catalog order, up to the limit,
and always the models already picked (a widget may not lose its value). Small catalogs list everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

PICKER_LIMIT = 1_000


@dataclass(frozen=True)
class PickerOptions:
    options: list[str]  # ids to offer: every pick first, then the matches in catalog order (at most `limit`)
    matches: int  # catalog models matching the query (all of them when the query is empty)
    offered: int  # how many of the matches are in `options`
    total: int  # catalog models the picker could offer
    searching: bool  # the catalog is over the limit, so the page shows a search box

    @property
    def not_offered(self) -> int:
        """Matching models left out of the list: typing more reaches them."""
        return self.matches - self.offered


def picker_options(ids: Sequence[str], labels: Sequence[str], picked: Sequence[str] = (), query: str = "",
                   *, limit: int = PICKER_LIMIT) -> PickerOptions:
    """The ids to offer for `query` (see the module docstring). `labels[i]` is what the user reads for `ids[i]`."""
    ids = pd.Series(list(ids), dtype=object)
    total = len(ids)
    if total <= limit:
        return PickerOptions(ids.tolist(), total, total, total, searching=False)
    text = " ".join(str(query or "").split()).casefold()
    matched = ids
    if text:
        hay = (pd.Series(list(labels), dtype=object).astype(str) + " " + ids.astype(str)).str.casefold()
        matched = ids[hay.str.contains(text, regex=False).to_numpy()]
    first = matched.iloc[:limit].tolist()
    shown = set(first)
    picks = [p for p in dict.fromkeys(picked) if p not in shown]
    return PickerOptions(picks + first, len(matched), len(first), total, searching=True)


def picker_rows(models: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(ids, labels) for a model picker: by organization, family, release date and name; a label reads
    "Name · Organization" (the id when a model has no name)."""
    cols = models[["id", "name", "organization", "family", "release_dt"]]
    ordered = cols.sort_values(["organization", "family", "release_dt", "name"], na_position="last", kind="stable")
    labels = ordered["name"].fillna(ordered["id"]).astype(str) + " · " + ordered["organization"].fillna("").astype(str)
    return ordered["id"].astype(str).tolist(), labels.tolist()
