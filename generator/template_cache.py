"""Compiled templates kept between runs, so that a build does not compile the theme's
templates again when they have not changed (about a third of a small site's build).

Jinja keeps each template's compiled code in the user's cache folder
(``$XDG_CACHE_HOME/learning-party-kb/templates``, else ``~/.cache/...``; never in the
temporary folder, which a preview leaves as it found it), under the template's name and
file and checked against its source before use. What else decides the compiled code (the
Jinja version and the environment's syntax, extensions, filters and tests) is part of the
files' names, so two configurations never share a file. The cache only saves time: a
folder that cannot be made, a file that cannot be written or read back is passed over and
the template is compiled as it would be without it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import Any

import jinja2


class _Cache(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates in files, never failing a build."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged or half-written file: compile afresh
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):  # a full disk or a read-only cache folder
            super().dump_bytecode(bucket)


def _name(setting: Any) -> str:
    """A setting as text that is the same in every run (functions by their qualified name)."""
    if callable(setting):
        return f"{getattr(setting, '__module__', '')}.{getattr(setting, '__qualname__', '')}"
    return repr(setting)


def _calls(functions: dict[str, Any]) -> list[tuple[str, str]]:
    """Each filter or test by name, with what Jinja passes it first (the compiled call differs)."""
    return sorted((name, str(getattr(f, "jinja_pass_arg", None))) for name, f in functions.items())


def fingerprint(env: jinja2.Environment) -> str:
    """What, besides a template's source, decides the code Jinja compiles it to."""
    settings = (
        jinja2.__version__,
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        env.is_async,
        _name(env.autoescape),
        _name(env.finalize),
        sorted(env.extensions),
        _calls(env.filters),
        _calls(env.tests),
    )
    return hashlib.sha256(repr(settings).encode("utf-8")).hexdigest()[:16]


def cache_home() -> Path:
    """The tool's folder in the user's cache folder, as the XDG rules name it."""
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(home) / "learning-party-kb"


def cache_folder() -> Path:
    """Where compiled templates are kept."""
    return cache_home() / "templates"


KEPT_AT_MOST = 1000
"""Compiled templates kept before the folder is emptied: projects come and go (a copy of
the theme elsewhere is another file), and a cache that only grows would fill a disk."""


def _trim(folder: Path) -> None:
    """Empty ``folder`` of compiled templates once it holds more than :data:`KEPT_AT_MOST`."""
    kept = [entry.path for entry in os.scandir(folder) if entry.name.startswith("kb-")]
    if len(kept) > KEPT_AT_MOST:
        for path in kept:
            with contextlib.suppress(OSError):
                os.remove(path)


def keep_compiled(env: jinja2.Environment) -> jinja2.Environment:
    """Give ``env`` the cache of compiled templates, once its filters and tests are set."""
    # Where no cache folder can be had, templates are compiled each time.
    with contextlib.suppress(OSError, RuntimeError):
        folder = cache_folder()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        _trim(folder)
        env.bytecode_cache = _Cache(str(folder), pattern=f"kb-{fingerprint(env)}-%s.cache")
    return env
