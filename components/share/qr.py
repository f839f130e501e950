"""A link as a QR code (segno: pure Python, no image library needed), for a talk's last slide."""

from __future__ import annotations

import io

import segno

# A QR code can carry ~2,300 bytes at error level M, but by then it has 177×177 modules: unreadable from
# a slide across a room. 1,000 characters (about version 25, 117 modules) is the most we offer to draw.
MAX_QR_CHARS = 1_000


class LinkTooLongError(ValueError):
    """The link cannot become a QR code a phone would scan."""


def _symbol(url: str) -> segno.QRCode:
    if not isinstance(url, str) or not url.strip():
        raise ValueError("a QR code needs a non-empty link")
    if len(url) > MAX_QR_CHARS:
        raise LinkTooLongError(f"This link is {len(url):,} characters long; a QR code that a phone can read "
                               f"from a slide holds at most {MAX_QR_CHARS:,}. Reset some filters or options "
                               "to shorten it, or share the link as text.")
    # Level M (15% damage tolerance); boost_error raises it for free when the code size allows.
    # micro=False: Micro QR codes are not read by most phone cameras.
    try:
        return segno.make(url, error="m", boost_error=True, micro=False)
    except segno.DataOverflowError as e:  # not reachable below MAX_QR_CHARS; kept as a clear message
        raise LinkTooLongError(f"This link is too long for a QR code ({len(url):,} characters).") from e


def qr_png(url: str, *, scale: int = 10, border: int = 4) -> bytes:
    """PNG bytes, black on white, `scale` pixels per module and the standard 4-module quiet zone."""
    buf = io.BytesIO()
    _symbol(url).save(buf, kind="png", scale=scale, border=border, dark="#000000", light="#FFFFFF")
    return buf.getvalue()


def qr_svg(url: str, *, scale: int = 4, border: int = 4) -> str:
    """The same code as a small SVG document (cheaper than PNG to make: ~1 ms), for on-screen display."""
    buf = io.BytesIO()
    _symbol(url).save(buf, kind="svg", scale=scale, border=border, dark="#000000", light="#FFFFFF",
                      xmldecl=False, svgns=True, title="QR code of the link to this view")
    return buf.getvalue().decode("utf-8")
