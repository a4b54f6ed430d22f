"""MkDocs and Material behind one seam: only the adapter modules know their names, markup
and messages, and the commands that do not build start without loading them."""

from __future__ import annotations

import ast
import io
import os
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import REPO, SAMPLE

GENERATOR = REPO / "generator"
ADAPTERS = {"builder.py", "plugin.py", "frame.py", "runs.py"}
"""The modules that speak to the builder (``runs`` only names its log)."""
BUILDER_PACKAGES = {"mkdocs", "material", "properdocs", "pymdownx"}
BUILDER_STRINGS = re.compile(
    r"mkdocs\.(?!yml)"  # its modules and logs (mkdocs.yml is the settings file editors edit)
    r"|\bmd-[a-z]"  # Material's markup (md-content, md-typeset, md-button, ...)
    r"|Config value|isn't an existing|Aborted with|Documentation built"  # its English
)
BUILDER_NAMES = {"custom_dir", "MkDocsConfig", "BasePlugin", "TemplateContext"}


def _modules() -> list[Path]:
    return sorted(
        p for p in GENERATOR.rglob("*.py") if p.name not in ADAPTERS or p.parent != GENERATOR
    )


def _code_tokens(source: str) -> list[tokenize.TokenInfo]:
    """Names and string literals that are not docstrings (prose may name MkDocs)."""
    docstrings = {
        node.body[0].value.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
        and isinstance(node.body[0].value.value, str)
    }
    return [
        token
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.NAME
        or (token.type == tokenize.STRING and token.start[0] not in docstrings)
    ]


def builder_knowledge(path: Path) -> list[str]:
    """What of the builder a module knows: its imports, names, markup and messages."""
    source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in BUILDER_PACKAGES]
        elif (
            isinstance(node, ast.ImportFrom)
            and (node.module or "").split(".")[0] in BUILDER_PACKAGES
        ):
            found.append(str(node.module))
    for token in _code_tokens(source):
        named = token.type == tokenize.NAME and token.string in BUILDER_NAMES
        quoted = token.type == tokenize.STRING and BUILDER_STRINGS.search(token.string)
        if named or quoted:
            found.append(token.string)
    return found


@pytest.mark.parametrize("module", _modules(), ids=lambda p: p.relative_to(GENERATOR).as_posix())
def test_only_the_adapters_know_the_builder(module: Path) -> None:
    """Outside the adapters no module imports, names or quotes MkDocs or Material."""
    assert builder_knowledge(module) == []


def test_the_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    """An import, a Material class, an MkDocs log and MkDocs's English are each found."""
    leaky = tmp_path / "leaky.py"
    leaky.write_text(
        "from mkdocs.config import load_config\n"
        "ARTICLE = '<article class=\"md-content__inner\">'\n"
        "log = __import__('logging').getLogger('mkdocs.plugins.kb')\n"
        "if text.startswith(\"Config value 'docs_dir'\"): pass\n"
        "folder = config.theme.custom_dir\n",
        encoding="utf-8",
    )
    assert len(builder_knowledge(leaky)) == 5


QUIET_START = """
import os, runpy, sys
sys.argv = ["kb", *sys.argv[1:]]
try:
    runpy.run_module("generator", run_name="__main__")
except SystemExit:
    pass
print("LOADED", sorted({m.split(".")[0] for m in sys.modules}), file=sys.stderr)
print("THREADS", len(os.listdir("/proc/self/task")), file=sys.stderr)
"""
COMMANDS = {
    "check": ["check"],
    "new": ["new", "case", "--title", "新的条目", "--id", "new-entry",
            "--org-type", "urban-community", "--theme", "learning-forms"],
    "import": ["import", "材料.txt", "--kind", "case"],
}  # fmt: skip
"""Commands that do not build, as an editor runs them in the sample project."""
NOT_NEEDED = {
    "check": {"docx", "jinja2", "pypinyin", "rjieba"},
    "new": {"docx", "jinja2", "pypinyin", "rjieba"},
}
"""Libraries a command does not use, each slow to load: the Word writer, the page templates,
the pinyin dictionaries (only sorting and an id made from a title need them) and the word
segmenter (search and import)."""


class Started(NamedTuple):
    packages: set[str]
    """The top-level packages loaded by the time the command finished."""
    threads: int
    """The threads the process had then."""


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Started]:
    """What each command had loaded and started when it finished, run once each, as from a
    shell that sets no thread limits."""
    environment = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    found = {}
    for name, command in COMMANDS.items():
        project = tmp_path_factory.mktemp(name) / "project"
        shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns("site"))
        (project / "材料.txt").write_text("一、背景\n\n支部每月集中学习两次。\n", encoding="utf-8")
        ran = subprocess.run(
            [sys.executable, "-c", QUIET_START, *command],
            cwd=project,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert ran.returncode == 0 and "Traceback" not in ran.stderr, ran.stderr
        listed = re.search(r"^LOADED (\[.*\])\nTHREADS (\d+)$", ran.stderr, re.MULTILINE)
        assert listed, ran.stderr
        found[name] = Started(set(ast.literal_eval(listed.group(1))), int(listed.group(2)))
    return found


@pytest.mark.parametrize("command", list(COMMANDS))
def test_commands_that_do_not_build_start_without_the_builder(
    command: str, started: dict[str, Started]
) -> None:
    """`kb check`, `kb new` and `kb import` do their work without loading MkDocs."""
    assert started[command].packages & {"mkdocs", "material", "properdocs"} == set()


@pytest.mark.parametrize("command", list(NOT_NEEDED))
def test_commands_start_without_the_libraries_they_do_not_use(
    command: str, started: dict[str, Started]
) -> None:
    """`kb check` and `kb new` with an id load neither the Word writer, the page templates,
    the pinyin dictionaries nor the word segmenter, so they answer an editor sooner."""
    assert started[command].packages & NOT_NEEDED[command] == set()


@pytest.mark.parametrize("command", list(COMMANDS))
def test_numpy_starts_no_pool_of_threads(command: str, started: dict[str, Started]) -> None:
    """A command that loads numpy runs on one thread: no OpenBLAS pool is started, whose
    threads would spin on CPU for matrix work the generator never has."""
    assert "numpy" in started[command].packages
    assert started[command].threads == 1
