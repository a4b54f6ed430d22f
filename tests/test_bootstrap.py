"""Setting up a working copy: scripts/bootstrap.sh, the browser the tests find, the editor settings."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import chromium
from tests.chromium import CHROMIUM_ARGS, ChromiumNotFound, find_chromium
from tests.conftest import REPO

LIBRARY = REPO / "scripts" / "lib" / "system-packages.sh"
BASH = shutil.which("bash") or "/bin/bash"
WORKING_BROWSER = '#!/bin/sh\necho "Chromium 130.0.6723.116"\n'
SNAP_STUB = (
    "#!/bin/sh\necho \"Command '$0' requires the chromium snap to be installed.\" >&2\nexit 1\n"
)
FONTS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc: Noto Sans CJK SC:style=Regular\n"


def _script(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    path.chmod(0o755)
    return path


class System:
    """A fake machine: a PATH of stub commands that log their calls, and an os-release file."""

    def __init__(self, root: Path, *, distribution: str = "debian") -> None:
        self.root = root
        self.bin = root / "bin"
        self.log = root / "calls.log"
        self.log.touch()
        self.os_release = root / "os-release"
        self.os_release.write_text(f'ID={distribution}\nNAME="{distribution}"\n', encoding="utf-8")
        self.system_chromium = root / "usr-bin-chromium"
        for tool in ("timeout", "env", "chmod"):
            self.bin.mkdir(parents=True, exist_ok=True)
            (self.bin / tool).symlink_to(shutil.which(tool) or f"/usr/bin/{tool}")
        self.command("id", "echo 0\n")
        self.command("fc-list", "")
        self.command("dpkg-query", "exit 1\n")
        # On install, the fake apt-get puts a working browser where Debian's chromium goes.
        self.command(
            "apt-get",
            f"if [ \"$1\" = install ]; then printf '%s' '{WORKING_BROWSER}' > "
            f'"{self.system_chromium}"; chmod +x "{self.system_chromium}"; fi\n',
        )

    def command(self, name: str, body: str) -> Path:
        """Put a stub command on PATH that logs its arguments, then runs ``body``."""
        return _script(self.bin / name, f'#!/bin/sh\necho "{name} $*" >> "{self.log}"\n{body}')

    def calls(self, name: str) -> list[list[str]]:
        """The argument lists ``name`` was called with."""
        lines = self.log.read_text(encoding="utf-8").splitlines()
        return [line.split()[1:] for line in lines if line.split()[0] == name]

    def installed(self) -> list[list[str]]:
        """The packages each `apt-get install` was asked for."""
        return [
            [word for word in call[1:] if not word.startswith("-")]
            for call in self.calls("apt-get")
            if call[:1] == ["install"]
        ]

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "PATH": str(self.bin),
            "HOME": str(self.root),
            "LANG": "C.UTF-8",
            "KB_SYSTEM_CHROMIUM": str(self.system_chromium),
            "KB_OS_RELEASE": str(self.os_release),
            **extra,
        }

    def run_library(self, call: str, **extra: str) -> subprocess.CompletedProcess[str]:
        """Source the system-packages library under strict mode and run ``call``."""
        return subprocess.run(
            [BASH, "-c", f'set -euo pipefail; source "{LIBRARY}"; {call}'],
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )


@pytest.fixture
def system(tmp_path: Path) -> System:
    return System(tmp_path)


def test_nothing_is_installed_when_browser_and_fonts_are_present(system: System) -> None:
    """With a working browser and CJK fonts, apt-get is never run."""
    system.command("google-chrome", WORKING_BROWSER)
    system.command("fc-list", f"printf '%s' '{FONTS}'\n")
    result = system.run_library("kb_ensure_browser_packages")
    assert result.returncode == 0, result.stderr
    assert system.calls("apt-get") == []


def test_fonts_installed_as_a_debian_package_count_as_present(system: System) -> None:
    """Without fc-list, dpkg-query's record of fonts-noto-cjk is enough."""
    (system.bin / "fc-list").unlink()
    system.command("dpkg-query", "printf 'install ok installed'\n")
    _script(system.system_chromium, WORKING_BROWSER)
    result = system.run_library("kb_ensure_browser_packages")
    assert result.returncode == 0, result.stderr
    assert system.calls("apt-get") == []
    assert system.calls("dpkg-query") == [["-W", "-f=${Status}", "fonts-noto-cjk"]]


def test_debian_without_browser_or_fonts_installs_exactly_both(system: System) -> None:
    """On Debian with neither, one apt-get install asks for chromium and fonts-noto-cjk."""
    result = system.run_library("kb_ensure_browser_packages")
    assert result.returncode == 0, result.stderr
    assert system.installed() == [["chromium", "fonts-noto-cjk"]]
    assert system.calls("apt-get")[0] == ["update", "-qq"]


def test_only_the_missing_fonts_are_installed_when_a_browser_runs(system: System) -> None:
    """A working Chrome on PATH means only the fonts are installed."""
    system.command("google-chrome-stable", WORKING_BROWSER)
    result = system.run_library("kb_ensure_browser_packages")
    assert result.returncode == 0, result.stderr
    assert system.installed() == [["fonts-noto-cjk"]]


def test_only_chromium_is_installed_when_the_fonts_are_there(system: System) -> None:
    """Fonts present and no browser on Debian: apt-get installs chromium alone."""
    system.command("fc-list", f"printf '%s' '{FONTS}'\n")
    result = system.run_library("kb_ensure_browser_packages")
    assert result.returncode == 0, result.stderr
    assert system.installed() == [["chromium"]]


def test_snap_stub_on_ubuntu_asks_for_chrome_instead_of_installing(tmp_path: Path) -> None:
    """On Ubuntu a chromium-browser that fails --version is skipped and no chromium is installed."""
    system = System(tmp_path, distribution="ubuntu")
    system.command("chromium-browser", SNAP_STUB)
    system.command("fc-list", f"printf '%s' '{FONTS}'\n")
    result = system.run_library("kb_ensure_browser_packages")
    assert result.returncode != 0
    assert system.calls("apt-get") == []
    assert system.calls("chromium-browser") == [["--version"]]
    assert "没有找到能运行的 Chromium 或 Chrome" in result.stderr
    assert "CHROME_PATH" in result.stderr and "Google Chrome" in result.stderr


def test_failing_apt_get_names_what_is_missing_and_exits_non_zero(system: System) -> None:
    """When apt-get cannot install (offline), the message lists the packages and how to install them."""
    system.command("apt-get", "exit 100\n")
    result = system.run_library("kb_ensure_browser_packages")
    assert result.returncode != 0
    assert "无法用 apt-get 安装" in result.stderr
    assert "中文字体 Noto Sans CJK（软件包 fonts-noto-cjk）" in result.stderr
    assert "Chromium 浏览器（软件包 chromium）" in result.stderr
    assert "sudo apt-get update && sudo apt-get install chromium fonts-noto-cjk" in result.stderr


def test_non_root_installs_through_sudo_without_a_password_prompt(system: System) -> None:
    """A normal user's install goes through `sudo -n`, so it fails instead of waiting for a password."""
    system.command("id", "echo 1000\n")
    system.command("sudo", 'shift; exec "$@"\n')
    result = system.run_library("kb_ensure_browser_packages")
    assert result.returncode == 0, result.stderr
    sudo_calls = system.calls("sudo")
    assert sudo_calls and all(call[:2] == ["-n", "env"] for call in sudo_calls)
    assert system.installed() == [["chromium", "fonts-noto-cjk"]]


def test_non_executable_chrome_path_is_an_error_not_an_install(system: System) -> None:
    """CHROME_PATH naming a non-executable file stops with a message and installs nothing."""
    not_a_program = system.root / "chrome.txt"
    not_a_program.write_text("", encoding="utf-8")
    result = system.run_library("kb_ensure_browser_packages", CHROME_PATH=str(not_a_program))
    assert result.returncode != 0
    assert f"环境变量 CHROME_PATH 指向的“{not_a_program}”不是可执行文件" in result.stderr
    assert system.calls("apt-get") == []


SCENARIOS = {
    "CHROME_PATH first": (
        {"CHROME_PATH": WORKING_BROWSER, "system": WORKING_BROWSER, "chromium": WORKING_BROWSER},
        "CHROME_PATH",
    ),
    "system chromium before PATH": (
        {"system": WORKING_BROWSER, "chrome": WORKING_BROWSER},
        "system",
    ),
    "snap stub skipped": (
        {"chromium-browser": SNAP_STUB, "google-chrome": WORKING_BROWSER},
        "google-chrome",
    ),
    "PATH order": (
        {"chrome": WORKING_BROWSER, "google-chrome-stable": WORKING_BROWSER},
        "google-chrome-stable",
    ),
    "broken system chromium": ({"system": SNAP_STUB, "chrome": WORKING_BROWSER}, "chrome"),
}


def _lay_out(system: System, browsers: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Write a scenario's browsers; returns the environment it adds and {name: path}."""
    paths = {}
    for name, body in browsers.items():
        if name == "system":
            paths[name] = str(_script(system.system_chromium, body))
        elif name == "CHROME_PATH":
            paths[name] = str(_script(system.root / "opt" / "my-chrome", body))
        else:
            paths[name] = str(system.command(name, body))
    extra = {"CHROME_PATH": paths["CHROME_PATH"]} if "CHROME_PATH" in paths else {}
    return extra, paths


@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_python_and_bootstrap_pick_the_same_browser(system: System, scenario: str) -> None:
    """find_chromium() and bootstrap's kb_find_browser follow one order and skip browsers that do not run."""
    browsers, expected = SCENARIOS[scenario]
    extra, paths = _lay_out(system, browsers)
    found = find_chromium(system.env(**extra), system_chromium=str(system.system_chromium))
    assert found == paths[expected]
    result = system.run_library("kb_find_browser", **extra)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == paths[expected]


def test_find_chromium_rejects_a_non_executable_chrome_path(tmp_path: Path) -> None:
    """CHROME_PATH pointing at a plain file is a clear error, not a silent fallback."""
    plain = tmp_path / "chrome"
    plain.write_text("", encoding="utf-8")
    with pytest.raises(ChromiumNotFound, match=r"CHROME_PATH 指向的.*不是可执行文件"):
        find_chromium({"CHROME_PATH": str(plain), "PATH": ""}, system_chromium=chromium.CHROMIUM)


def test_find_chromium_rejects_a_chrome_path_that_does_not_run(tmp_path: Path) -> None:
    """CHROME_PATH pointing at a program whose --version fails is reported as not running."""
    stub = _script(tmp_path / "chromium-browser", SNAP_STUB)
    with pytest.raises(ChromiumNotFound, match="无法运行"):
        find_chromium({"CHROME_PATH": str(stub), "PATH": ""})


def test_find_chromium_without_any_browser_says_where_it_looked(tmp_path: Path) -> None:
    """With nothing usable, the error lists every place searched and suggests CHROME_PATH."""
    _script(tmp_path / "bin" / "chromium-browser", SNAP_STUB)
    with pytest.raises(ChromiumNotFound) as error:
        find_chromium({"PATH": str(tmp_path / "bin")}, system_chromium=str(tmp_path / "none"))
    for place in ("CHROME_PATH", "chromium-browser", "google-chrome-stable", "snap"):
        assert place in str(error.value)


def test_launch_chromium_starts_the_found_browser_with_the_fixed_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """launch_chromium() hands Playwright the browser find_chromium() picks, headless, same arguments."""
    browser = _script(tmp_path / "google-chrome", WORKING_BROWSER)
    monkeypatch.setenv("CHROME_PATH", str(browser))
    launched: list[dict[str, object]] = []

    class FakeBrowserType:
        def launch(self, **options: object) -> str:
            launched.append(options)
            return "browser"

    class FakePlaywright:
        chromium = FakeBrowserType()

    assert chromium.launch_chromium(FakePlaywright()) == "browser"
    assert launched == [{"executable_path": str(browser), "headless": True, "args": CHROMIUM_ARGS}]


def _checkout(tmp_path: Path) -> Path:
    """A copy of the scripts, pyproject.toml and the lock, without a .venv."""
    root = tmp_path / "checkout"
    shutil.copytree(REPO / "scripts", root / "scripts")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    shutil.copy(REPO / "requirements.lock", root / "requirements.lock")
    return root


FAKE_PYTHON = """\
case "$1" in
  -c) echo "{version}" ;;
  -m) if [ "$2" = venv ]; then mkdir -p "$3/bin" && cp "$0" "$3/bin/python"; fi ;;
esac
"""


def _run_bootstrap(
    root: Path, system: System, *args: str, **extra: str
) -> subprocess.CompletedProcess[str]:
    env = system.env(**extra)
    env["PATH"] = f"{system.bin}{os.pathsep}{os.defpath}"
    return subprocess.run(
        [BASH, str(root / "scripts" / "bootstrap.sh"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_bootstrap_refuses_an_old_python_before_creating_the_venv(
    tmp_path: Path, system: System
) -> None:
    """A python3 older than 3.11 (which Material 9.8 needs) stops bootstrap at once with a Chinese message; no venv, no pip."""
    root = _checkout(tmp_path)
    system.command("python3", FAKE_PYTHON.format(version="3.10"))
    result = _run_bootstrap(root, system)
    assert result.returncode != 0
    assert "需要 Python 3.11 或以上版本" in result.stderr and "3.10" in result.stderr
    assert not (root / ".venv").exists()
    assert all(call[:1] != ["-m"] for call in system.calls("python3"))


def test_bootstrap_browser_does_not_reinstall_when_fc_list_output_is_long(
    tmp_path: Path, system: System
) -> None:
    """A long font list with the CJK font first never makes --browser run apt-get (no SIGPIPE race)."""
    root = _checkout(tmp_path)
    system.command("python3", FAKE_PYTHON.format(version="3.11"))
    fonts = system.root / "fonts.txt"
    fonts.write_text(FONTS + "/usr/share/fonts/other.ttf: Other Font:style=Regular\n" * 20000)
    system.command("fc-list", f'exec cat "{fonts}"\n')
    browser = _script(system.root / "chrome", WORKING_BROWSER)
    for _ in range(3):
        result = _run_bootstrap(root, system, "--browser", CHROME_PATH=str(browser))
        assert result.returncode == 0, result.stderr
    assert system.calls("apt-get") == []
    assert (root / ".venv" / "bin" / "python").exists()


def test_bootstrap_installs_exactly_the_lock_once_and_again_when_it_changes(
    tmp_path: Path, system: System
) -> None:
    """pip takes packages only from requirements.lock, hash-checked, and the project without
    fetching a build backend; a second run installs nothing, a changed lock installs again."""
    root = _checkout(tmp_path)
    system.command("python3", FAKE_PYTHON.format(version="3.11"))

    def pip_calls() -> list[list[str]]:
        return [call[2:] for call in system.calls("python3") if call[:2] == ["-m", "pip"]]

    assert _run_bootstrap(root, system).returncode == 0
    first = pip_calls()
    assert len(first) == 2
    assert first[0][-4:] == ["--require-hashes", "--no-deps", "-r", "requirements.lock"]
    assert first[1][-4:] == ["--no-deps", "--no-build-isolation", "-e", "."]
    assert _run_bootstrap(root, system).returncode == 0
    assert pip_calls() == first
    with (root / "requirements.lock").open("a", encoding="utf-8") as lock:
        lock.write("# changed\n")
    assert _run_bootstrap(root, system).returncode == 0
    assert len(pip_calls()) == 4


VSCODE = REPO / ".vscode"


def test_vscode_associates_each_schema_with_existing_content_files() -> None:
    """Opening the folder in VS Code checks every kind of content file against its JSON Schema."""
    settings = json.loads((VSCODE / "settings.json").read_text(encoding="utf-8"))
    associations = settings["yaml.schemas"]
    assert {Path(schema).name for schema in associations} == {
        "case.schema.json",
        "practice.schema.json",
        "material.schema.json",
        "taxonomy.schema.json",
    }
    for schema, globs in associations.items():
        assert (REPO / schema).is_file(), schema
        for pattern in [globs] if isinstance(globs, str) else globs:
            assert list(REPO.glob(pattern)), pattern


def test_vscode_yaml_settings_suit_editors() -> None:
    """YAML is indented with two spaces, saved as UTF-8 without guessing, and invisible characters show."""
    settings = json.loads((VSCODE / "settings.json").read_text(encoding="utf-8"))
    yaml_settings = settings["[yaml]"]
    assert yaml_settings["editor.insertSpaces"] is True and yaml_settings["editor.tabSize"] == 2
    assert settings["files.encoding"] == "utf8" and settings["files.autoGuessEncoding"] is False
    assert settings["files.trimTrailingWhitespace"] is True
    assert settings["editor.renderWhitespace"] in {"boundary", "all"}
    assert settings["editor.unicodeHighlight.invisibleCharacters"] is True
    # Chinese text is not "non-basic ASCII" to be flagged in every line.
    assert settings["editor.unicodeHighlight.nonBasicASCII"] is False


def test_vscode_recommends_the_yaml_extension() -> None:
    """VS Code offers to install Red Hat's YAML extension, which reads the schemas."""
    extensions = json.loads((VSCODE / "extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]
