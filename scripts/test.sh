#!/usr/bin/env bash
# Run the whole test suite (lint, types, unit, golden, full build, browser), installing
# whatever is missing first. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --browser
# The suite starts `kb` a few hundred times: with PYTHONDONTWRITEBYTECODE set (some shells
# and containers set it) each would compile the generator's modules and pytest would
# rewrite every test module again. Compiled files go to __pycache__ folders, which Git ignores.
unset PYTHONDONTWRITEBYTECODE
.venv/bin/ruff check generator tests bench
.venv/bin/ruff format --check generator tests bench
.venv/bin/mypy
# A folder of this run's own for the tests' temporary files: pytest keeps only the last few
# runs' folders, so a suite run beside another (a second clone, an editor's check) would
# otherwise have its files deleted under it. Removed afterwards unless a test failed.
scratch="$(mktemp -d "${TMPDIR:-/tmp}/kb-tests.XXXXXX")"
status=0
# One test process per core and one more (pytest-xdist): a process waiting for its browser
# or for a command it started leaves its core to the others. Each test file runs whole in
# one process, so a file's shared built site or browser is made once.
workers=$(($(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1) + 1))
.venv/bin/pytest -n "$workers" --dist loadfile --basetemp "$scratch/tmp" "$@" || status=$?
if [ "$status" -eq 0 ]; then rm -rf "$scratch"; else echo "测试的临时文件保留在 $scratch" >&2; fi
exit "$status"
