#!/usr/bin/env bash
# Regenerates requirements.lock: the exact version and the file hashes of every package
# the project, its tests and its benchmark install, for every platform and Python from
# 3.11 on. scripts/bootstrap.sh installs from it, so every machine and every CI run gets
# the same packages; pyproject.toml keeps the compatible ranges the lock is resolved from.
# Run it after changing the dependencies in pyproject.toml, or to take newer releases.
set -euo pipefail
cd "$(dirname "$0")/.."
tool="$(mktemp -d)"
trap 'rm -rf "$tool"' EXIT
python3 -m venv "$tool"
"$tool/bin/python" -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
"$tool/bin/uv" pip compile pyproject.toml scripts/lib/build-requirements.in \
  --extra test --extra bench --universal --python-version 3.11 --generate-hashes \
  --no-header --quiet --output-file requirements.lock.new
{
  echo "# Every package the project installs, with its hashes. Do not edit by hand:"
  echo "# regenerate with 'bash scripts/lock.sh' (reads pyproject.toml)."
  cat requirements.lock.new
} > requirements.lock
rm requirements.lock.new
echo "requirements.lock 已更新。" >&2
