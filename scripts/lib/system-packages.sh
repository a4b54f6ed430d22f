# System packages the browser tests need: a Chromium or Chrome that runs, and CJK fonts.
# Sourced by scripts/bootstrap.sh; the tests source it too, with fake commands on PATH.
#
# Nothing here pipes one command into another: `fc-list | grep -q` under pipefail fails
# at random when grep exits early and fc-list dies of SIGPIPE. Outputs are captured whole.

# Where Debian's chromium package puts the browser; tests point it elsewhere.
KB_SYSTEM_CHROMIUM="${KB_SYSTEM_CHROMIUM:-/usr/bin/chromium}"
KB_OS_RELEASE="${KB_OS_RELEASE:-/etc/os-release}"
# The same order as find_chromium() in tests/chromium.py.
KB_BROWSER_NAMES=(chromium chromium-browser google-chrome google-chrome-stable chrome)
KB_BROWSERS_SEARCHED="环境变量 CHROME_PATH、${KB_SYSTEM_CHROMIUM}，以及 PATH 中的 ${KB_BROWSER_NAMES[*]}"

# True when the browser at $1 starts: Ubuntu's chromium and chromium-browser packages are
# stubs that only point to a snap and fail here.
kb_browser_runs() {
  [ -f "$1" ] && [ -x "$1" ] && timeout 20 "$1" --version >/dev/null 2>&1
}

# Prints the browser the tests will use. Returns 1 when there is none, 2 when CHROME_PATH
# is set but unusable (with a message on stderr).
kb_find_browser() {
  local candidate name
  if [ -n "${CHROME_PATH:-}" ]; then
    if [ ! -f "$CHROME_PATH" ] || [ ! -x "$CHROME_PATH" ]; then
      echo "错误：环境变量 CHROME_PATH 指向的“${CHROME_PATH}”不是可执行文件。" >&2
      echo "  请改为 Chromium 或 Chrome 程序的完整路径（例如 /usr/bin/google-chrome），或者取消这个变量：unset CHROME_PATH" >&2
      return 2
    fi
    if ! kb_browser_runs "$CHROME_PATH"; then
      echo "错误：环境变量 CHROME_PATH 指向的“${CHROME_PATH}”无法运行（“${CHROME_PATH} --version”失败）。" >&2
      echo "  请改为能运行的 Chromium 或 Chrome 程序的完整路径，或者取消这个变量：unset CHROME_PATH" >&2
      return 2
    fi
    printf '%s\n' "$CHROME_PATH"
    return 0
  fi
  if kb_browser_runs "$KB_SYSTEM_CHROMIUM"; then
    printf '%s\n' "$KB_SYSTEM_CHROMIUM"
    return 0
  fi
  for name in "${KB_BROWSER_NAMES[@]}"; do
    candidate="$(type -P "$name" || true)"
    if [ -n "$candidate" ] && kb_browser_runs "$candidate"; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

# True when a Noto Sans CJK font is installed (fontconfig sees it, or the Debian package is).
kb_have_cjk_fonts() {
  local fonts status
  fonts="$(fc-list 2>/dev/null || true)"
  if [[ "${fonts,,}" == *"noto sans cjk"* ]]; then return 0; fi
  status="$(dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null || true)"
  [ "$status" = "install ok installed" ]
}

# True on Debian itself, where `apt-get install chromium` gives a working browser (on
# Ubuntu it gives a stub for a snap).
kb_is_debian() {
  local id
  id="$(. "$KB_OS_RELEASE" 2>/dev/null && printf '%s' "${ID:-}")" || id=""
  [ "$id" = "debian" ]
}

# apt-get install "$@", as root or through `sudo -n`. Returns non-zero when that fails.
kb_apt_install() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "  （当前不是管理员用户，也没有 sudo。）" >&2
      return 1
    fi
    sudo=(sudo -n)
  fi
  # The package lists may be stale or unreachable; a local mirror can still install.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

kb_package_description() {
  case "$1" in
    chromium) echo "Chromium 浏览器（软件包 chromium）" ;;
    fonts-noto-cjk) echo "中文字体 Noto Sans CJK（软件包 fonts-noto-cjk）" ;;
    *) echo "$1" ;;
  esac
}

kb_no_browser_message() {
  echo "错误：没有找到能运行的 Chromium 或 Chrome 浏览器，浏览器测试需要它。" >&2
  echo "  已查找：${KB_BROWSERS_SEARCHED}。" >&2
  echo "  （Ubuntu 的 chromium、chromium-browser 软件包只是 snap 的占位程序，在这里不能用。）" >&2
  echo "  请安装 Google Chrome（https://www.google.com/chrome/），或者用环境变量 CHROME_PATH" >&2
  echo "  指明已有浏览器的完整路径，例如：export CHROME_PATH=/opt/google/chrome/chrome" >&2
}

# Installs only what is missing: the fonts, and Debian's chromium when no usable browser
# is found on Debian. Elsewhere a missing browser is reported, never installed.
kb_ensure_browser_packages() {
  local missing=() browser_status=0 package
  kb_find_browser >/dev/null || browser_status=$?
  if [ "$browser_status" -eq 2 ]; then return 1; fi
  if [ "$browser_status" -ne 0 ] && kb_is_debian; then missing+=(chromium); fi
  if ! kb_have_cjk_fonts; then missing+=(fonts-noto-cjk); fi
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "正在安装浏览器测试所需的系统软件包：${missing[*]}……" >&2
    if ! kb_apt_install "${missing[@]}"; then
      echo "错误：无法用 apt-get 安装浏览器测试所需的系统软件包（可能没有网络，或软件源不可用）。缺少：" >&2
      for package in "${missing[@]}"; do
        echo "  - $(kb_package_description "$package")" >&2
      done
      echo "  请在能联网时以管理员身份运行：" >&2
      echo "    sudo apt-get update && sudo apt-get install ${missing[*]}" >&2
      echo "  然后重新运行本命令。" >&2
      return 1
    fi
    browser_status=0
    kb_find_browser >/dev/null || browser_status=$?
  fi
  if [ "$browser_status" -ne 0 ]; then
    kb_no_browser_message
    return 1
  fi
}
