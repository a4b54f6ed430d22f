#!/usr/bin/env bash
# Installs what the project needs, idempotently: a virtualenv in .venv with the
# package and its test tools; with --browser also Debian's Chromium and CJK fonts
# (the browser tests drive the system Chromium; no browser is ever downloaded);
# with --bench also what the benchmark needs.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
extras="test"
for option in "$@"; do
  if [ "$option" = "--bench" ]; then extras="test,bench"; fi
done
stamp=".venv/.kb-installed-$(sha256sum pyproject.toml | cut -c1-16)-${extras/,/-}"
if [ ! -f "$stamp" ]; then
  echo "正在安装 Python 依赖……" >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[$extras]"
  rm -f .venv/.kb-installed-*
  touch "$stamp"
fi

if [[ " $* " == *" --browser "* ]]; then
  if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    echo "正在安装 Chromium 和中文字体（Debian 软件包）……" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  fi
fi
