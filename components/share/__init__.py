"""Sharing a view: the full link that reopens it and that link as a QR code. Pure functions, no Streamlit."""

from .link import view_url
from .qr import MAX_QR_CHARS, LinkTooLongError, qr_png, qr_svg

__all__ = ["MAX_QR_CHARS", "LinkTooLongError", "qr_png", "qr_svg", "view_url"]
