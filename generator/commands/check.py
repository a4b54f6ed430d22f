"""``kb check``: validate the content only, and report every problem in the chosen format."""

from __future__ import annotations

from pathlib import Path

import click

from generator.check import load_project
from generator.commands import require_content_dir
from generator.errors import ContentErrors
from generator.report import count_phrase, render_report
from generator.workers import worker_count


def check_content(content_dir: Path, *, output_format: str) -> int:
    """Print the report for ``content_dir``; return the exit code (1 when there are errors)."""
    require_content_dir(content_dir)
    to_stderr = output_format == "text"
    try:
        project = load_project(content_dir, root=Path.cwd(), workers=worker_count())
    except ContentErrors as problems:
        report = render_report(
            problems.errors, output_format=output_format, entries=None, packs=None
        )
        click.echo(report, err=to_stderr)
        return 1
    entries, packs = len(project.entries), len(project.packs)
    report = render_report(
        project.warnings, output_format=output_format, entries=entries, packs=packs
    )
    if report:
        click.echo(report, err=to_stderr)
    if output_format == "text":
        note = (
            f"（有 {len(project.warnings)} 个警告，请看上文）"
            if project.warnings
            else "，未发现问题"
        )
        click.echo(f"检查通过：共 {count_phrase(entries, packs)}{note}。")
    return 0
