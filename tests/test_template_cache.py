"""Compiled templates kept between builds save time and never change what a build writes: a
changed template is used at once, and a damaged or unusable cache is passed over."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import jinja2
import pytest
from jinja2.bccache import bc_magic

from generator import template_cache
from generator.render import make_environment
from generator.template_cache import fingerprint, keep_compiled


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's cache folder, for this test alone; the compiled templates' folder in it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "learning-party-kb" / "templates"


def _templates(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    (folder / "page.html").write_text(text, encoding="utf-8")
    return folder


def _compiles(env: jinja2.Environment, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates ``env`` compiles from source from now on."""
    compiled: list[str] = []
    compile_source = env.compile

    def counting(source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[no-untyped-def]
        compiled.append(name)
        return compile_source(source, name, filename, raw, defer_init)

    monkeypatch.setattr(env, "compile", counting)
    return compiled


def test_a_second_build_uses_the_compiled_templates(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next build (a new environment, as in a new process) compiles nothing again."""
    folder = _templates(tmp_path, "<p>{{ title }}</p>")
    assert make_environment(folder).get_template("page.html").render(title="学习") == "<p>学习</p>"
    assert list(cache_home.glob("kb-*.cache"))
    env = make_environment(folder)
    compiled = _compiles(env, monkeypatch)
    assert env.get_template("page.html").render(title="制度") == "<p>制度</p>"
    assert compiled == []


def test_a_changed_template_is_used_at_once(tmp_path: Path, cache_home: Path) -> None:
    """An edited template is compiled afresh, never answered from its old compiled copy."""
    folder = _templates(tmp_path, "<p>旧：{{ title }}</p>")
    make_environment(folder).get_template("page.html").render(title="学习")
    _templates(tmp_path, "<h1>新：{{ title }}</h1>")
    assert make_environment(folder).get_template("page.html").render(title="学习") == (
        "<h1>新：学习</h1>"
    )


DAMAGE = {
    "rubbish": lambda data: os.urandom(len(data)),
    "cut in half": lambda data: data[: len(data) // 2],
    # Jinja itself stops on a file whose header is whole and whose checksum is cut off.
    "cut after the header": lambda data: data[: len(bc_magic) + 2],
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_cache_is_passed_over(tmp_path: Path, cache_home: Path, damage: str) -> None:
    """A cache file cut short or overwritten with rubbish: the template is compiled again."""
    folder = _templates(tmp_path, "<p>{{ title }}</p>")
    make_environment(folder).get_template("page.html").render(title="学习")
    files = list(cache_home.glob("kb-*.cache"))
    assert files
    for path in files:
        path.write_bytes(DAMAGE[damage](path.read_bytes()))
    assert make_environment(folder).get_template("page.html").render(title="制度") == "<p>制度</p>"


def test_a_cache_that_cannot_be_had_or_written_is_passed_over(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file where the cache folder should be, or a full disk: the build goes on."""
    folder = _templates(tmp_path, "<p>{{ title }}</p>")
    cache_home.parent.mkdir(parents=True)
    cache_home.write_text("不是文件夹", encoding="utf-8")
    env = make_environment(folder)
    assert env.bytecode_cache is None
    assert env.get_template("page.html").render(title="学习") == "<p>学习</p>"

    cache_home.unlink()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", full)
    env = make_environment(folder)
    assert env.bytecode_cache is not None
    assert env.get_template("page.html").render(title="制度") == "<p>制度</p>"


def test_environments_that_compile_differently_never_share_files() -> None:
    """Another filter set, syntax or escaping gives other cache files."""
    plain = jinja2.Environment()
    assert fingerprint(plain) == fingerprint(jinja2.Environment())
    with_filter = jinja2.Environment()
    with_filter.filters["chinese_date"] = str
    passed_context = jinja2.Environment()
    passed_context.filters["chinese_date"] = jinja2.pass_context(lambda context, value: value)
    others = [
        with_filter,
        passed_context,
        jinja2.Environment(autoescape=True),
        jinja2.Environment(trim_blocks=True),
        jinja2.Environment(block_start_string="<%", block_end_string="%>"),
    ]
    prints = {fingerprint(env) for env in [plain, *others]}
    assert len(prints) == len(others) + 1
    assert keep_compiled(jinja2.Environment()).bytecode_cache is not None


def test_the_cache_never_grows_without_bound(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past its limit the folder is emptied, then fills again with what builds use."""
    monkeypatch.setattr(template_cache, "KEPT_AT_MOST", 5)
    for number in range(8):
        folder = tmp_path / f"project-{number}"
        folder.mkdir()
        (folder / "page.html").write_text("<p>{{ title }}</p>", encoding="utf-8")
        make_environment(folder).get_template("page.html").render(title="学习")
        assert len(list(cache_home.iterdir())) <= 6
    assert list(cache_home.iterdir())
