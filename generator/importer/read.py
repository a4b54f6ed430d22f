"""Import stage 1: a source file's bytes to lines of text, saying which encoding it was.

Plain text, saved web pages (:mod:`~generator.importer.webpage`), Word .docx files
(:mod:`~generator.importer.word`) and PDF files with a text layer
(:mod:`~generator.importer.pdf`) are read. Each line keeps where it came from (line,
paragraph or page), so every later report can send the editor to the right place in the
original. What cannot be read, or is too large to import (:mod:`~generator.importer.limits`),
becomes an :class:`UnreadableSource` with a Chinese message, never a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.errors import os_reason
from generator.importer.encoding import decode_bytes
from generator.importer.findings import Place, UnreadableSource
from generator.importer.limits import Limits, Steps, check_characters, check_file_size
from generator.importer.pdf import read_pdf
from generator.importer.source import FORMAT_NAMES, SUPPORTED, SourceLine, SourceText
from generator.importer.webpage import read_html
from generator.importer.word import read_docx

__all__ = ["FORMAT_NAMES", "SUPPORTED", "SourceText", "UnreadableSource", "read_source"]


def read_source(path: Path, *, keep_all: bool, limits: Limits, steps: Steps) -> SourceText:
    """Read ``path`` by its extension; raise :class:`UnreadableSource` if it cannot be read."""
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise UnreadableSource(
            path, "这是旧版 Word 文件（.doc），无法直接读取。请在 Word 中“另存为”.docx 后再导入。"
        )
    kind = SUPPORTED.get(suffix)
    if kind is None:
        known = "、".join(sorted(SUPPORTED))
        raise UnreadableSource(
            path, f"不支持的文件类型“{suffix or '（没有扩展名）'}”。kb import 能读取 {known} 文件。"
        )
    raw = _read_bytes(path, kind, limits)
    if not raw.strip():
        raise UnreadableSource(path, "文件是空的，没有可以导入的文字。")
    if kind == "html":
        source = read_html(path, raw, keep_all=keep_all, limits=limits, steps=steps)
    elif kind == "docx":
        source = read_docx(path, raw, limits=limits, steps=steps)
    elif kind == "pdf":
        source = read_pdf(path, raw, limits=limits, steps=steps)
    else:
        text, _, encoding = decode_bytes(raw, path=path)
        check_characters(path, len(text), limits)  # line breaks too: each makes a line
        lines = [SourceLine(line, Place(n)) for n, line in enumerate(text.splitlines(), start=1)]
        source = SourceText(path, "txt", encoding, lines)
    check_characters(path, sum(len(line.text) for line in source.lines), limits)
    if not any(line.text.strip() for line in source.lines):
        raise UnreadableSource(path, "文档里没有文字，没有可以导入的内容。")
    return source


def _read_bytes(path: Path, kind: str, limits: Limits) -> bytes:
    """The file's bytes, refused unread when it is larger than its format's limit."""
    limit = limits.text_file_bytes if kind in {"txt", "html"} else limits.binary_file_bytes
    what = f"{FORMAT_NAMES[kind]}文件"
    try:
        with path.open("rb") as stream:
            check_file_size(path, os.fstat(stream.fileno()).st_size, limit, what)
            raw = stream.read(limit + 1)
    except OSError as failure:
        raise UnreadableSource(path, f"无法读取这个文件（{os_reason(failure)}）。") from None
    check_file_size(path, len(raw), limit, what)  # it grew while being read
    return raw
