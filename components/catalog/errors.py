"""Catalog errors, worded for a curator: which file, which model, which field, what is wrong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class CatalogError:
    file: str
    line: int | None
    model: str | None
    field: str | None
    message: str
    rule: str = "schema"

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        parts = []
        if self.model:
            parts.append(f"model '{self.model}'")
        if self.field:
            parts.append(f"field '{self.field}'")
        subject = ", ".join(parts)
        return f"{where}: {subject + ': ' if subject else ''}{self.message}"


class CatalogInvalid(Exception):
    """Raised by load_catalog when the data does not validate; carries every error at once."""

    def __init__(self, errors: list[CatalogError]):
        self.errors = sorted(errors, key=lambda e: (e.file, e.line or 0, e.message))
        n = len(self.errors)
        head = "\n".join(str(e) for e in self.errors[:50])
        more = f"\n... and {n - 50} more" if n > 50 else ""
        super().__init__(f"{n} error{'s' if n != 1 else ''} in the catalog:\n{head}{more}")
