"""What the commands an editor runs most cost, before and after a change: ``kb --help``,
``kb check`` of the bundled content, ``kb build`` of the sample project and ``kb build`` of
the bundled content, each the median of ``--runs`` runs: wall time, and the CPU time (user
and system) of the command and every process it started.

::

    .venv/bin/python -m bench.startup --before main    # main against this working tree
    .venv/bin/python -m bench.startup --before ''      # this working tree only
    .venv/bin/python -m bench.startup --cold           # each run with an empty cache folder

Each version's ``generator`` package goes first on ``PYTHONPATH``; the commands run in the
repository, on its content, theme and sample project. The runs of a command alternate
between the versions, so that other work on the machine weighs on both alike; on a shared
machine the CPU times are the figures to compare. Compiled bytecode is written and kept, as
for an installed ``kb``, and a first run of each command and version is not counted. The
user's cache folder (compiled templates, pinyin readings) is used as it is, warm after the
first run; ``--cold`` gives each run an empty one instead.

Not part of the test suite. Prints one Markdown table row per command.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.import_limits import versions

REPO = Path(__file__).resolve().parent.parent
COMMANDS = {
    "kb --help": ["--help"],
    "kb check": ["check"],
    "kb build (sample)": ["build", "-q", "-f", "tests/fixtures/sample/mkdocs.yml", "-d", "{out}"],
    "kb build (bundled)": ["build", "-q", "-d", "{out}"],
}


def run_once(code: Path, arguments: list[str], work: Path, *, cold: bool) -> tuple[float, ...]:
    """Run ``kb ARGUMENTS`` once with the ``generator`` package in ``code``: wall, user and
    system seconds."""
    environment = {**os.environ, "PYTHONPATH": str(code)}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    if cold:
        environment["XDG_CACHE_HOME"] = tempfile.mkdtemp(dir=work, prefix="cache-")
    command = [sys.executable, "-P", "-m", "generator", *arguments]  # -P: not the cwd's package
    command = [part.replace("{out}", str(work / "site")) for part in command]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=environment, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--before", default="main", help="git ref of the code before ('' for none)")
    parser.add_argument("--after", help="git ref of the code after (default: this working tree)")
    parser.add_argument("--runs", type=int, default=5, help="counted runs of each command")
    parser.add_argument("--cold", action="store_true", help="an empty cache folder each run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kb-startup-") as temporary:
        work = Path(temporary)
        compared = versions(args.before, args.after, work)
        columns = [f"{name}: {what}" for name, _ in compared for what in ("wall", "user", "sys")]
        print("| command | " + " | ".join(columns) + " |")
        print("|---|" + "---:|" * len(columns))
        for label, arguments in COMMANDS.items():
            times: dict[str, list[tuple[float, ...]]] = {name: [] for name, _ in compared}
            for number in range(args.runs + 1):
                for name, code in compared:
                    measured = run_once(code, arguments, work, cold=args.cold)
                    if number:  # the first writes the bytecode
                        times[name].append(measured)
            cells = [
                f"{statistics.median(column):.2f} s"
                for name, _ in compared
                for column in zip(*times[name], strict=True)
            ]
            print(f"| {label} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
