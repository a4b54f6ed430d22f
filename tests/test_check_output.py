"""What `kb check` prints is safe to print: a file name or a message cannot forge a CI
workflow command, drive the terminal or stop the report, in any output format."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import printable

_FORGED_COMMAND = "evil\n::error file=README.md,line=1::forged.yml"
"""A newline, then a GitHub workflow command that would annotate another file."""
_LEGACY_COMMAND = "legacy##[error]forged.yml"
"""GitHub's old-style command, which it finds anywhere in a line."""
_TERMINAL_TITLE = "title\x1b]0;pwned\x07.yml"
"""An escape sequence that retitles the terminal window."""
_REVERSED = "report\u202elmy.txt"
"""A direction override: printed raw, it reads as reporttxt.yml."""
_NAMED_IN_MESSAGE = "note\n##[error]quoted.yml.txt"
"""A name the message quotes (an entry file with the wrong extension)."""
_UNDECODABLE = b"undecodable\xff.yml"
"""Bytes that are not UTF-8: kept by Python as a lone surrogate, which cannot be printed."""
_NAMES = (_FORGED_COMMAND, _LEGACY_COMMAND, _TERMINAL_TITLE, _REVERSED, _NAMED_IN_MESSAGE)


@pytest.fixture(scope="module")
def hostile_names(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project with a file under each hostile name in content/cases/."""
    from tests.conftest import REPO, SAMPLE

    root = tmp_path_factory.mktemp("hostile-names")
    subprocess.run(["cp", "-r", str(SAMPLE / "content"), str(root / "content")], check=True)
    config = (SAMPLE / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config.replace("../../../theme", str(REPO / "theme")), "utf-8")
    cases = root / "content" / "cases"
    for name in (*_NAMES, os.fsdecode(_UNDECODABLE)):
        (cases / name).write_text("x: 1\n", encoding="utf-8")
    return root


@functools.cache
def _run(project: Path, *args: str) -> tuple[int, str]:
    """The exit code and output (both streams) of a command, run once per module."""
    result = subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=project, capture_output=True
    )
    # Strictly UTF-8: a lone surrogate printed raw could not even be encoded.
    return result.returncode, (result.stdout + result.stderr).decode("utf-8")


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["check", "--format", "github"],
        ["check", "--format", "json"],
        ["check", "--format", "gitlab"],
        ["build", "-d", "out"],
    ],
    ids=" ".join,
)
def test_hostile_file_names_cannot_forge_ci_commands_or_drive_the_terminal(
    hostile_names: Path, command: list[str]
) -> None:
    """No line of the output starts a workflow command someone else wrote, none holds an
    old-style one, a control character or a direction override; nothing crashes."""
    code, output = _run(hostile_names, *command)
    assert code == 1 and "Traceback" not in output, output
    lines = output.splitlines()
    assert not [line for line in lines if line.lstrip().startswith("::error file=README.md")]
    if command[-1] == "github":  # every line is a command of its own, about a content file
        assert all(
            line.startswith(("::error file=content/", "::warning file=content/")) for line in lines
        )
    assert "##[" not in output
    assert not [c for c in output if c in "\x1b\x07\u202e" or "\x7f" <= c <= "\x9f"]


def test_hostile_file_names_are_shown_escaped_in_the_text_report(hostile_names: Path) -> None:
    """The text report names each file, its control characters spelled out."""
    _, output = _run(hostile_names, "check")
    assert "content/cases/evil↵::error file=README.md,line=1::forged.yml:1:1:" in output
    assert "content/cases/legacy#<U+0023>[error]forged.yml:1:1:" in output
    assert "content/cases/title<U+001B>]0;pwned<U+0007>.yml:1:1:" in output
    assert "content/cases/report<U+202E>lmy.txt:1:1:" in output
    assert "content/cases/undecodable<U+DCFF>.yml:1:1:" in output
    assert "文件名“note↵#<U+0023>[error]quoted.yml.txt”看起来是一个条目文件" in output


@pytest.mark.parametrize("output_format", ["json", "gitlab"])
def test_json_reports_keep_hostile_file_names_exactly(
    hostile_names: Path, output_format: str
) -> None:
    """The JSON reports escape what they must and still give every file's name exactly."""
    _, output = _run(hostile_names, "check", "--format", output_format)
    data = json.loads(output)
    problems = data["problems"] if output_format == "json" else data
    paths = {p["path"] if output_format == "json" else p["location"]["path"] for p in problems}
    cases = "content/cases/"
    for name in (*_NAMES, os.fsdecode(_UNDECODABLE)):
        assert cases + name in paths


def test_printable_leaves_ordinary_text_alone() -> None:
    """Chinese text, punctuation and a single '#' or '::' inside a line print as they are."""
    text = "content/cases/河畔社区.yml: 值里的 # 号、“::”和 [ ] 照常显示。"
    assert printable(text) == text
