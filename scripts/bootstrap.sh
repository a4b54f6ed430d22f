#!/usr/bin/env bash
# Installs what the project needs, idempotently: a virtualenv in .venv with the
# package, its test tools and what the benchmark needs, as requirements.lock pins them;
# with --browser also CJK fonts and, on Debian when no usable Chromium or Chrome is
# found, Debian's chromium (the browser tests drive a system browser; none is ever
# downloaded).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/system-packages.sh

browser=""
for option in "$@"; do
  case "$option" in
    --browser) browser=1 ;;
  esac
done

# pip on an interpreter older than the package allows searches for a matching release
# for a very long time; refuse at once instead.
python="python3"
if [ -x .venv/bin/python ]; then python=".venv/bin/python"; fi
if ! command -v "$python" >/dev/null 2>&1; then
  echo "错误：没有找到 python3。请先安装 Python 3.11 或以上版本。" >&2
  exit 1
fi
version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true)"
if [[ ! "$version" =~ ^([0-9]+)\.([0-9]+)$ ]] \
  || [ "${BASH_REMATCH[1]}" -lt 3 ] \
  || { [ "${BASH_REMATCH[1]}" -eq 3 ] && [ "${BASH_REMATCH[2]}" -lt 11 ]; }; then
  echo "错误：需要 Python 3.11 或以上版本，而 ${python} 的版本是 ${version:-未知}。" >&2
  if [ "$python" = "python3" ]; then
    echo "  请安装较新的 Python，并让 python3 指向它，然后重新运行。" >&2
  else
    echo "  .venv 是用旧版本的 Python 建立的：请删除 .venv 文件夹，换用 Python 3.11 或以上版本后重新运行。" >&2
  fi
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# Exactly the versions and files requirements.lock names (every extra included; regenerate
# it with scripts/lock.sh), checked against their hashes; then the project itself in place,
# built with the locked setuptools, so nothing is fetched that the lock does not pin.
stamp=".venv/.kb-installed-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "正在安装 Python 依赖……" >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check \
    --require-hashes --no-deps -r requirements.lock
  .venv/bin/python -m pip install --quiet --disable-pip-version-check \
    --no-deps --no-build-isolation -e .
  rm -f .venv/.kb-installed-*
  touch "$stamp"
fi

if [ -n "$browser" ]; then
  kb_ensure_browser_packages || exit 1
  # The checkers the browser tests run (axe-core, the Nu HTML checker, es-check), exactly as
  # package-lock.json pins them; the Nu checker needs a Java runtime.
  if [ -f package-lock.json ]; then
    missing=()
    command -v npm >/dev/null 2>&1 || missing+=(npm)
    command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
    if [ "${#missing[@]}" -gt 0 ]; then
      echo "正在安装浏览器测试所需的系统软件包：${missing[*]}……" >&2
      if ! kb_apt_install "${missing[@]}"; then
        echo "错误：无法安装 ${missing[*]}。请以管理员身份运行：sudo apt-get install ${missing[*]}" >&2
        exit 1
      fi
    fi
    npm_stamp="node_modules/.kb-installed-$(sha256sum package-lock.json | cut -c1-16)"
    if [ ! -f "$npm_stamp" ]; then
      echo "正在安装检查工具（npm ci）……" >&2
      npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
      touch "$npm_stamp"
    fi
  fi
fi
