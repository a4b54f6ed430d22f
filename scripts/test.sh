#!/usr/bin/env bash
# Run the whole test suite (lint, types, unit, golden, full build, browser), installing
# whatever is missing first. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --browser
.venv/bin/ruff check generator tests bench
.venv/bin/mypy
exec .venv/bin/pytest "$@"
