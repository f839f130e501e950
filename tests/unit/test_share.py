"""components.share: the full view URL and its QR code. No QR decoder is installed, so the PNG is checked
structurally (signature, chunk CRCs, decompressed size), against the QR spec's size table, and pixel by
pixel where the spec fixes the picture (quiet zone, finder pattern)."""

from __future__ import annotations

import struct
import zlib

import pytest

from components.share import MAX_QR_CHARS, LinkTooLongError, qr_png, qr_svg, view_url

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == PNG_SIGNATURE
    chunks, i = [], 8
    while i < len(data):
        (n,) = struct.unpack(">I", data[i:i + 4])
        kind, body = data[i + 4:i + 8], data[i + 8:i + 8 + n]
        (crc,) = struct.unpack(">I", data[i + 8 + n:i + 12 + n])
        assert crc == zlib.crc32(kind + body), f"bad CRC in {kind!r}"
        chunks.append((kind, body))
        i += 12 + n
    return chunks


def png_pixels(data: bytes) -> list[list[int]]:
    """1-bit grayscale PNG (what segno writes) -> rows of 0 (black) / 1 (white)."""
    chunks = png_chunks(data)
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    w, h, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, color, interlace) == (1, 0, 0)
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = 1 + (w + 7) // 8
    assert len(raw) == h * stride
    rows, prior = [], bytes(stride - 1)
    for r in range(h):
        kind, line = raw[r * stride], bytearray(raw[r * stride + 1:(r + 1) * stride])
        if kind == 1:  # Sub: add the byte to the left
            for i in range(1, len(line)):
                line[i] = (line[i] + line[i - 1]) % 256
        elif kind == 2:  # Up: add the byte above (segno uses it for repeated pixel rows)
            line = bytearray((a + b) % 256 for a, b in zip(line, prior, strict=True))
        else:
            assert kind == 0, f"PNG filter {kind} not handled by this test"
        prior = bytes(line)
        rows.append([(line[x // 8] >> (7 - x % 8)) & 1 for x in range(w)])
    return rows


def test_png_has_the_size_the_qr_spec_gives():
    # 40 bytes at error level M need version 3 (capacity 42 bytes; version 2 holds 26): 29 modules,
    # plus the 4-module quiet zone on each side, at 10 px per module.
    url = "https://example.org/" + "a" * 20
    assert len(url) == 40
    rows = png_pixels(qr_png(url, scale=10, border=4))
    assert len(rows) == len(rows[0]) == (29 + 2 * 4) * 10


def test_png_draws_quiet_zone_and_finder_pattern():
    scale, border = 3, 4
    rows = png_pixels(qr_png("https://example.org/x", scale=scale, border=border))
    assert all(v == 1 for v in rows[0]) and all(r[0] == 1 for r in rows)  # white margin
    top = border * scale  # first module row: the top-left finder's 7 black modules, then a white one
    assert rows[top][top:top + 7 * scale] == [0] * (7 * scale)
    assert rows[top][top + 7 * scale] == 1
    # second module row of the finder: black, 5 white, black
    row = rows[top + scale]
    assert [row[top + m * scale] for m in range(7)] == [0, 1, 1, 1, 1, 1, 0]


def test_same_link_same_image_other_link_other_image():
    a = qr_png("https://atlas.example/size?bench=mmlu")
    assert a == qr_png("https://atlas.example/size?bench=mmlu")
    assert a != qr_png("https://atlas.example/size?bench=gsm8k")


def test_longer_links_make_bigger_codes_up_to_the_limit():
    small = png_pixels(qr_png("https://a.io/", scale=1, border=0))  # 13 bytes: version 1-M holds 14
    big = png_pixels(qr_png("https://a.example/?" + "x" * (MAX_QR_CHARS - 19), scale=1, border=0))
    assert len(small) == 21  # version 1
    assert len(big) > 100 and (len(big) - 17) % 4 == 0  # a real QR size: 17 + 4·version


def test_overlong_or_empty_link_gives_a_clear_error():
    with pytest.raises(LinkTooLongError, match=r"1,001 characters.*at most 1,000"):
        qr_png("h" * (MAX_QR_CHARS + 1))
    with pytest.raises(LinkTooLongError):
        qr_svg("h" * 5000)
    assert issubclass(LinkTooLongError, ValueError)
    with pytest.raises(ValueError, match="non-empty"):
        qr_png("  ")


def test_svg_is_a_standalone_document():
    svg = qr_svg("https://example.org/")
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "<title>QR code of the link to this view</title>" in svg
    assert "example.org" not in svg  # the link is in the modules, not in the markup


def test_view_url_joins_page_address_and_options():
    params = {"bench": ["mmlu"], "spot": ["llama-2/70b,mixtral/8x7b"], "org": ["meta", "mistral"]}
    url = view_url("https://atlas.example/size", params)
    assert url == "https://atlas.example/size?bench=mmlu&spot=llama-2%2F70b,mixtral%2F8x7b&org=meta&org=mistral"
    assert view_url("http://127.0.0.1:8501", {}) == "http://127.0.0.1:8501/"
    assert view_url("http://127.0.0.1:8501/timeline", {"talk": ["1"]}) == "http://127.0.0.1:8501/timeline?talk=1"


@pytest.mark.parametrize("page_url", [None, "", "/size", "javascript:alert(1)", "file:///etc/passwd"])
def test_view_url_is_none_when_the_address_is_unknown_or_not_web(page_url):
    assert view_url(page_url, {"a": ["1"]}) is None


def test_hostile_parameter_values_are_encoded():
    url = view_url("https://atlas.example/data", {"q": ["<script>&x=1 #"]})
    assert url == "https://atlas.example/data?q=%3Cscript%3E%26x%3D1+%23"
