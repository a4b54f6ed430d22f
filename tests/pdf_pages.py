"""Reading printed PDFs as a reader holding the paper would: what each page says, and where
its printed area ends. PDFium (pypdfium2) renders and reads them; no system tools needed."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

MM = 72 / 25.4
"""PDF points in a millimetre."""
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class PrintedPage:
    number: int
    text: str
    """All text of the page, whitespace removed (Chinese lines break anywhere)."""
    body_text: str
    """Text of the page's body, without what the page margins carry."""
    margin_text: str
    """Text printed in the page margins (header and footer)."""
    empty_share: float
    """How much of the body area below its last printed line is blank, 0 to 1."""
    pixels: np.ndarray


def read_pdf(path: Path, *, top_margin_mm: float, bottom_margin_mm: float) -> list[PrintedPage]:
    """Every page of the PDF at ``path``, whose page margins are the given heights."""
    document = pdfium.PdfDocument(str(path))
    pages = []
    for number in range(len(document)):
        page = document[number]
        width, height = page.get_size()
        top, bottom = top_margin_mm * MM, bottom_margin_mm * MM
        text_page = page.get_textpage()
        # PDF coordinates start at the bottom left.
        body = text_page.get_text_bounded(left=0, bottom=bottom, right=width, top=height - top)
        everything = text_page.get_text_bounded()
        header = text_page.get_text_bounded(left=0, bottom=height - top, right=width, top=height)
        footer = text_page.get_text_bounded(left=0, bottom=0, right=width, top=bottom)
        scale = 1.0
        pixels = page.render(scale=scale, rev_byteorder=True).to_numpy()[:, :, :3]
        ink_rows = np.where((pixels < 200).any(axis=2).any(axis=1))[0]
        body_top, body_bottom = int(top * scale), int((height - bottom) * scale)
        inked = ink_rows[(ink_rows >= body_top) & (ink_rows < body_bottom)]
        last = int(inked.max()) if len(inked) else body_top
        pages.append(
            PrintedPage(
                number=number + 1,
                text=_SPACES.sub("", everything),
                body_text=_SPACES.sub("", body),
                margin_text=_SPACES.sub("", header + footer),
                empty_share=(body_bottom - last) / (body_bottom - body_top),
                pixels=pixels,
            )
        )
    return pages


def squeeze(text: str) -> str:
    """``text`` as :attr:`PrintedPage.text` holds it: no whitespace."""
    return _SPACES.sub("", text)


def write_png(path: Path, pixels: np.ndarray) -> None:
    """Save an RGB image (for people to look at the printout), with no imaging library."""
    height, width = pixels.shape[:2]
    raw = b"".join(b"\x00" + pixels[y].astype(np.uint8).tobytes() for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
