#!/usr/bin/env bash
# Create ./.venv with Arena installed (editable) plus the system libraries headless rendering needs.
# Usage: scripts/setup_env.sh [EXTRAS]     e.g. scripts/setup_env.sh test
# Works on a fresh Debian machine with Python 3.11; apt is used only for packages that are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python="${PYTHON:-$(command -v python3.11 || command -v python3)}"

apt_install() {
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
  elif command -v sudo >/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
  else
    echo "Please install these Debian packages first: $*" >&2
    exit 1
  fi
}

if command -v dpkg >/dev/null; then
  missing=()
  # EGL + Mesa: MuJoCo's headless renderer (llvmpipe on CPU-only machines, the GPU's driver elsewhere).
  for pkg in libegl1 libegl-mesa0 libgl1-mesa-dri libopengl0; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  "$python" -c "import ensurepip, venv" >/dev/null 2>&1 || missing+=("python3-venv")
  # The test extra: headless Chromium and its driver, for the leaderboard site's browser test (selenium).
  case ",$extras," in
    *,test,*) for pkg in chromium chromium-driver; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done ;;
  esac
  if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
case ",$extras," in
  # The CPU build of torch first: pip would otherwise resolve the learning extra's torch range to a CUDA build.
  *,learning,*) .venv/bin/python -m pip install -q "torch==${ARENA_TORCH_VERSION:-2.13.0}" ;;
esac
if [ -n "$extras" ]; then
  .venv/bin/python -m pip install -q -e ".[$extras]"
else
  .venv/bin/python -m pip install -q -e .
fi
