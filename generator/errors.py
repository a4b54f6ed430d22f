"""The one exception type that carries content problems to editors."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


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

    def format(self) -> str:
        location = f"{self.path}:{self.line}:{self.column}"
        head = (
            f"{location}: {self.key}: {self.message}" if self.key else f"{location}: {self.message}"
        )
        return f"{head}\n    修改建议：{self.hint}" if self.hint else head


class ContentErrors(Exception):
    """All content problems found in one run, collected rather than stopping at the first."""

    def __init__(self, errors: Iterable[ContentError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.path, e.line, e.column, e.key))
        super().__init__(self.report())

    def report(self) -> str:
        lines = [error.format() for error in self.errors]
        files = len({error.path for error in self.errors})
        lines.append(f"共发现 {len(self.errors)} 个问题，涉及 {files} 个文件。")
        return "\n".join(lines)
