"""The checks every pull request gets: GitHub Actions, GitLab CI, pre-commit, PR template."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
import yaml

from generator import cli
from tests.conftest import REPO

GITHUB = REPO / ".github" / "workflows" / "check.yml"
GITLAB = REPO / ".gitlab-ci.yml"
PRE_COMMIT = REPO / ".pre-commit-config.yaml"
TEMPLATES = [
    REPO / ".github" / "pull_request_template.md",
    REPO / ".gitlab" / "merge_request_templates" / "Default.md",
]


def _github_steps() -> list[dict[str, object]]:
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def _gitlab_jobs() -> dict[str, dict[str, object]]:
    pipeline = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    return {
        name: job for name, job in pipeline.items() if isinstance(job, dict) and "script" in job
    }


def _kb_commands() -> list[list[str]]:
    """Every `kb ...` invocation in the CI definitions and the pre-commit hook, as argv."""
    lines = [str(step.get("run", "")) for step in _github_steps()]
    lines += [line for job in _gitlab_jobs().values() for line in job["script"]]  # type: ignore[union-attr]
    hooks = yaml.safe_load(PRE_COMMIT.read_text(encoding="utf-8"))["repos"][0]["hooks"]
    lines += [hook["entry"] for hook in hooks]
    commands = []
    for line in lines:
        words = shlex.split(line.split("||")[0].split(">")[0])
        for marker in (".venv/bin/kb", "scripts/site.sh"):
            if marker in words:
                commands.append(words[words.index(marker) + 1 :])
    return commands


def test_github_runs_check_build_tests_and_publishes_the_site() -> None:
    """Pull requests get annotated check results, a strict build, the tests and the site to download."""
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as true
    runs = [str(step.get("run", "")) for step in _github_steps()]
    assert any("kb check --format github" in run for run in runs)
    assert any("kb build --strict -d site" in run for run in runs)
    assert any(run == "bash scripts/test.sh" for run in runs)


def test_github_preview_is_the_offline_site_that_opens_from_disk() -> None:
    """The downloadable preview is the offline build, named for how to open it; the server build is separate."""
    runs = [str(step.get("run", "")) for step in _github_steps()]
    assert ".venv/bin/kb build --strict --offline -d site-offline" in runs
    uploads = {
        str(step["with"]["name"]): step["with"]["path"]  # type: ignore[index]
        for step in _github_steps()
        if str(step.get("uses", "")).startswith("actions/upload-artifact")
    }
    assert uploads == {
        "网站预览（解压后双击 index.html）": "site-offline/",
        "网站（上传到服务器用）": "site/",
    }
    for name in uploads:  # characters upload-artifact refuses in a name
        assert not set(name) & set('":<>|*?\\/\r\n'), name


def test_github_actions_are_pinned_and_the_token_is_read_only() -> None:
    """Pull-request code runs with a read-only token that is not left in .git/config, and
    every action is pinned by commit, so a moved tag cannot change what runs."""
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    assert workflow["permissions"] == {"contents": "read"}
    steps = _github_steps()
    used = [str(step["uses"]) for step in steps if "uses" in step]
    assert used
    for action in used:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
    checkout = next(
        step for step in steps if str(step.get("uses", "")).startswith("actions/checkout@")
    )
    assert checkout["with"]["persist-credentials"] is False  # type: ignore[index]


def test_gitlab_reports_code_quality_and_exposes_the_site() -> None:
    """Merge requests show check results as Code Quality and link the built site."""
    jobs = _gitlab_jobs()
    check = next(job for job in jobs.values() if "codequality" in str(job.get("artifacts")))
    assert any("--format gitlab" in line for line in check["script"])  # type: ignore[union-attr]
    build = next(job for job in jobs.values() if job.get("artifacts", {}).get("paths") == ["site/"])  # type: ignore[union-attr]
    assert ".venv/bin/kb build --strict -d site" in build["script"]  # type: ignore[operator]
    assert build["artifacts"]["expose_as"]  # type: ignore[index]
    assert any(job["script"] == ["bash scripts/test.sh"] for job in jobs.values())


def test_gitlab_preview_is_the_offline_site_that_opens_from_disk() -> None:
    """The merge request links the offline build as the preview, named for how to open it."""
    jobs = _gitlab_jobs()
    preview = next(
        job
        for job in jobs.values()
        if job.get("artifacts", {}).get("paths") == ["site-offline/"]  # type: ignore[union-attr]
    )
    assert ".venv/bin/kb build --strict --offline -d site-offline" in preview["script"]  # type: ignore[operator]
    assert preview["artifacts"]["name"] == "网站预览（解压后双击 index.html）"  # type: ignore[index]
    assert preview["artifacts"]["expose_as"]  # type: ignore[index]


def test_gitlab_accepts_every_expose_as_name() -> None:
    """Each expose_as matches GitLab's rule (ASCII letters, digits, '-', '_', spaces), or the pipeline is rejected."""
    names = [
        job["artifacts"]["expose_as"]  # type: ignore[index]
        for job in _gitlab_jobs().values()
        if "expose_as" in job.get("artifacts", {})  # type: ignore[operator]
    ]
    assert len(names) == 2
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9_][-A-Za-z0-9_ ]*", str(name)), name


def test_build_outputs_are_ignored_by_git() -> None:
    """Neither the server build nor the offline build shows up as new files to commit."""
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").split()
    assert {"site/", "site-offline/"} <= set(ignored)


@pytest.mark.parametrize("argv", _kb_commands(), ids=lambda argv: " ".join(argv))
def test_ci_commands_are_valid_kb_invocations(argv: list[str]) -> None:
    """Each command the CI files and the pre-commit hook run parses as a real `kb` command line."""
    name, *rest = argv
    command = cli.main.get_command(click.Context(cli.main), name)
    assert command is not None, name
    command.make_context(name, rest)


def test_pre_commit_checks_content_changes() -> None:
    """The pre-commit hook runs the content check whenever content or schemas change."""
    hook = yaml.safe_load(PRE_COMMIT.read_text(encoding="utf-8"))["repos"][0]["hooks"][0]
    assert hook["entry"].endswith("check") and hook["pass_filenames"] is False
    assert "content/" in hook["files"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.parent.name)
def test_pull_request_template_lists_the_review_checklist(template: Path) -> None:
    """Editors see the reviewers' criteria as a checklist when opening a pull request."""
    text = template.read_text(encoding="utf-8")
    for criterion in ["真实性", "创新性", "实效性", "典型性", "来源", "数字核对", "检查通过"]:
        assert criterion in text, criterion
    assert text.count("- [ ]") >= 5
