"""How much one imported document may bring in, and how long each stage may take with it.

A case study is a few pages; the largest material worth one entry is a book chapter. A
document far beyond that (a whole book, a web page of every article of a site, a Word
file of tens of thousands of one-word paragraphs) makes a draft nobody can edit and
``kb check`` reports too long to read, and can take minutes and gigabytes on the way.
Each limit below stops such a document early with a Chinese message saying what was too
large and what to do; the other documents of the run are still imported.
"""

from __future__ import annotations

import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.importer.findings import UnreadableSource

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The most one document may hold; tests lower them to try each one on small files."""

    text_file_bytes: int = 8 * MB
    """Plain text and web pages, whose bytes are all text, markup and scripts."""
    web_page_tags: int = 50_000
    """Tags of a web page; telling its article from the site's navigation takes about
    a second for every few thousand."""
    binary_file_bytes: int = 100 * MB
    """Word and PDF files, whose bytes are mostly pictures."""
    unpacked_bytes: int = 16 * MB
    """A Word file's text part once unpacked (a small file can unpack to gigabytes)."""
    pdf_pages: int = 1_000
    characters: int = 500_000
    """Characters of text read from the document: about 300 printed pages."""
    paragraphs: int = 5_000
    """Paragraphs once cleaned: each can become an item of the draft. Empty ones (Word
    files often space paragraphs with them) are counted up to four times as many."""
    draft_bytes: int = 4 * MB
    seconds_per_step: float = 60.0
    """Time one stage (reading, cleaning, structuring, …) may take on one document."""


DEFAULT_LIMITS = Limits()

_SPLIT = "请把文档拆成几个较小的文件，分别导入。"


class TooLarge(UnreadableSource):
    """A document beyond one of the :class:`Limits`; the message says which, in Chinese."""


def _size(count: int) -> str:
    return f"{count / MB:.1f} MB" if count >= MB else f"{count / 1024:.0f} KB"


def check_file_size(path: Path, size: int, limit: int, what: str) -> None:
    """Refuse a file of ``size`` bytes above ``limit`` before reading it."""
    if size > limit:
        raise TooLarge(path, f"文件太大（{_size(size)}），{what}最多读取 {_size(limit)}。{_SPLIT}")


def check_tags(path: Path, count: int, limits: Limits) -> None:
    if count > limits.web_page_tags:
        raise TooLarge(
            path,
            f"网页的标签太多（{count:,} 个），一次最多读取 {limits.web_page_tags:,} 个。"
            "请在浏览器中打开网页，只把正文复制到 .txt 文件中再导入。",
        )


def check_unpacked(path: Path, size: int, limits: Limits) -> None:
    if size > limits.unpacked_bytes:
        raise TooLarge(
            path,
            f"这个 Word 文件的正文解压后有 {_size(size)}，超过了上限 {_size(limits.unpacked_bytes)}"
            f"（文件可能已损坏，或者是被特意做成这样的）。{_SPLIT}",
        )


def check_characters(path: Path, count: int, limits: Limits, *, so_far: bool = False) -> None:
    if count > limits.characters:
        amount = f"已超过 {limits.characters:,}" if so_far else f"约 {count:,}"
        raise TooLarge(
            path, f"文字太多（{amount} 字），一次最多导入 {limits.characters:,} 字。{_SPLIT}"
        )


def check_paragraphs(
    path: Path, count: int, limits: Limits, *, so_far: bool = False, empty: int = 0
) -> None:
    if count > limits.paragraphs:
        amount = f"已超过 {limits.paragraphs:,}" if so_far else f"{count:,}"
    elif count + empty > 4 * limits.paragraphs:
        amount = f"连同空段已超过 {4 * limits.paragraphs:,}"
    else:
        return
    raise TooLarge(
        path,
        f"段落太多（{amount} 段），一次最多导入 {limits.paragraphs:,} 段：每一段都可能成为草稿中的"
        f"一项，草稿将无法编辑。{_SPLIT}",
    )


def check_pages(path: Path, count: int, limits: Limits) -> None:
    if count > limits.pdf_pages:
        raise TooLarge(
            path,
            f"这个 PDF 共 {count:,} 页，一次最多导入 {limits.pdf_pages:,} 页。"
            "请只导出需要的页，或拆成几个文件分别导入。",
        )


def check_draft(path: Path, size: int, limits: Limits) -> None:
    if size > limits.draft_bytes:
        raise TooLarge(
            path,
            f"生成的草稿有 {_size(size)}，超过了上限 {_size(limits.draft_bytes)}，没有写入。"
            f"{_SPLIT}",
        )


class Steps:
    """The stage one document's import is in, and how long it has been there.

    Used as a context manager around one document's import. Where the system allows
    (POSIX, main thread) a timer interrupts a stage the moment it runs over its time,
    even inside a regular expression or a library; elsewhere stages call :meth:`check`
    between paragraphs or pages. Either way the stage is stopped with a
    :class:`TooLarge` naming it. No stage is meant to come near the limit on a document
    within the other limits: it is there for inputs nobody has thought of.
    """

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.name = ""
        self._started = time.monotonic()
        self._timer = False
        self._previous: Any = None

    def __enter__(self) -> Steps:
        self._timer = hasattr(signal, "setitimer") and (
            threading.current_thread() is threading.main_thread()
        )
        if self._timer:
            self._previous = signal.signal(signal.SIGALRM, self._interrupt)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous or signal.SIG_DFL)

    def start(self, name: str) -> None:
        """Begin the stage called ``name`` (in Chinese, as the message shows it), once the
        one before is found to have kept within its time."""
        if self.name:
            self.check()
        self.name = name
        self._started = time.monotonic()
        seconds = self.limits.seconds_per_step
        if self._timer and seconds > 0:
            # Once over time, again every second: libraries that catch every exception
            # (pypdf, trafilatura) may swallow the first interruption.
            signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)

    def check(self) -> None:
        if time.monotonic() - self._started >= self.limits.seconds_per_step:
            raise self._over_time()

    def _interrupt(self, signum: int, frame: object) -> None:
        raise self._over_time()

    def _over_time(self) -> TooLarge:
        return TooLarge(
            self.path,
            f"“{self.name}”这一步用时超过 {self.limits.seconds_per_step:g} 秒，已停止导入这个文件"
            f"（文档太长或格式异常）。{_SPLIT}",
        )
