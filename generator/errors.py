"""The one exception type that carries content problems to editors, and the words
for what the operating system refuses."""

from __future__ import annotations

import errno
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"  # controls, undecodable bytes, line breaks
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"  # direction controls
)
"""What :func:`printable` spells out: printed raw, a control character starts a line or a
terminal command of its own, a direction control makes a name read as another, and the
undecodable bytes of a file name (kept as lone surrogates) cannot be printed at all."""
LEGACY_CI_COMMAND = "##["
"""Where GitHub Actions finds an old-style workflow command (``##[error]``): anywhere in a
line of a job's log. A ``::`` command must start a line, which escaped newlines prevent."""
_LEGACY_CI_COMMAND_SHOWN = "#<U+0023>["


def printable(text: str) -> str:
    """``text`` safe to print on one line of a terminal or a CI log.

    A file name or a quoted value may hold anything: a newline followed by
    ``::error ...`` would be a forged workflow command, an escape character a
    terminal command. Such characters are spelled ``<U+XXXX>``, as messages spell
    invisible characters (a newline as ``↵``).
    """
    text = text.replace(LEGACY_CI_COMMAND, _LEGACY_CI_COMMAND_SHOWN)
    return UNPRINTABLE.sub(_spell, text)


def _spell(found: re.Match[str]) -> str:
    char = found[0]
    return "↵" if char == "\n" else f"<U+{ord(char):04X}>"


@dataclass(frozen=True)
class ContentError:
    """One problem in one content file, phrased for editors."""

    path: str
    """Repository-relative path of the file, with forward slashes."""
    line: int
    """1-based line of the offending value (1 when the file itself is at fault)."""
    column: int
    """1-based column of the offending value."""
    key: str
    """Key path inside the file, such as ``sections[2].title``; empty for the whole file."""
    message: str
    """What is wrong, in Chinese, including what was expected and what was found."""
    hint: str = ""
    """What to do about it, in Chinese."""
    severity: str = "error"
    """``error`` stops the build; ``warning`` is reported but does not."""

    def format(self) -> str:
        """The problem as lines of a report, each field :func:`printable`."""
        location = f"{printable(self.path)}:{self.line}:{self.column}"
        message = printable(self.message)
        message = f"警告：{message}" if self.severity == "warning" else message
        key = printable(self.key)
        head = f"{location}: {key}: {message}" if key else f"{location}: {message}"
        return f"{head}\n    修改建议：{printable(self.hint)}" if self.hint else head

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def summarize(problems: list[ContentError]) -> str:
    """Closing line of a report: how many problems and warnings, in how many files."""
    warnings = sum(1 for p in problems if p.severity == "warning")
    counted = f"{len(problems) - warnings} 个问题" + (f"、{warnings} 个警告" if warnings else "")
    return f"共发现 {counted}，涉及 {len({p.path for p in problems})} 个文件。"


def format_report(problems: list[ContentError]) -> str:
    """Every problem with its position and hint, then the summary line."""
    return "\n".join([*(problem.format() for problem in problems), summarize(problems)])


class ContentErrors(Exception):
    """All content problems found in one run, collected rather than stopping at the first.

    Warnings found in the same run travel along, so one report shows everything.
    """

    def __init__(self, errors: Iterable[ContentError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.path, e.line, e.column, e.key))
        super().__init__(self.report())

    def report(self) -> str:
        return format_report(self.errors)


_OS_REASONS = {
    errno.ENOENT: "找不到这个文件或文件夹",
    errno.EEXIST: "已有同名的文件或文件夹",
    errno.ENOTDIR: "路径中有一项是文件，不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "磁盘是只读的",
    errno.ENOSPC: "磁盘空间不足",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.ELOOP: "链接（符号链接）层数太多或绕成了圈",
    errno.EBUSY: "文件或文件夹正被其他程序使用",
    errno.EXDEV: "不能在两个磁盘之间直接移动",
    errno.EMFILE: "同时打开的文件太多",
    errno.ENOTEMPTY: "文件夹不是空的",
}
if hasattr(errno, "EDQUOT"):  # not on Windows
    _OS_REASONS[errno.EDQUOT] = "超出了磁盘配额"


def os_reason(failure: OSError) -> str:
    """Why the operating system refused, in Chinese; the English ``strerror`` never shows."""
    if failure.errno in _OS_REASONS:
        return _OS_REASONS[failure.errno]
    code = errno.errorcode.get(failure.errno, str(failure.errno)) if failure.errno else "未知"
    return f"系统错误 {code}"
