"""The full URL of the current view: the page's address as the browser sees it plus the query parameters
the app keeps in sync with the widgets (filters, page options, talk mode)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode, urlsplit, urlunsplit


def view_url(page_url: str | None, params: Mapping[str, Sequence[str]]) -> str | None:
    """`page_url` is scheme://host[:port]/path without a query (what st.context.url gives); None when the
    address is unknown (e.g. a test run without a browser): a relative link would be useless in a QR code."""
    if not page_url:
        return None
    parts = urlsplit(page_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    # Commas stay readable: list options are written "a,b" and a comma is legal in a query string.
    query = urlencode([(k, v) for k, vs in params.items() for v in vs], safe=",")
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))
