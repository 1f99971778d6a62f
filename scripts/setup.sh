#!/usr/bin/env bash
# Sets samlab up on a fresh machine that has only Node 20 and npm:
# pnpm (the pinned version), the Debian packages the chosen job needs (Fashion-MNIST always,
# Chromium with --test), the dependencies, the build.
#
#   bash scripts/setup.sh           # what `samlab` needs (the web page builds on `samlab web`'s first use)
#   bash scripts/setup.sh --test    # plus Chromium and the web page for the browser tests
#
# Safe to re-run: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.4.2
want_browser=0
for arg in "$@"; do
  case "$arg" in
    --test) want_browser=1 ;;
    *) echo "setup.sh: unknown option $arg (expected --test)" >&2; exit 2 ;;
  esac
done

t0=$SECONDS
say() { printf '\033[1msetup:\033[0m [%3ds] %s\n' "$((SECONDS - t0))" "$*" >&2; }

# 1. pnpm, exactly the version package.json pins (another version refuses the lockfile)
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  say "installing pnpm@$PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" --no-fund --no-audit --loglevel=error >/dev/null
fi

# 2. Debian packages
apt_pkgs=()
if [ "$want_browser" = 1 ] && ! command -v chromium >/dev/null 2>&1; then apt_pkgs+=(chromium); fi
# Fashion-MNIST (gzipped IDX, 30 MB) for the real-data experiment of `samlab reproduce` and its tests;
# skipped when SAMLAB_DATA_DIR points at another copy (docs/DATA.md)
if [ ! -f "${SAMLAB_DATA_DIR:-/usr/share/datasets}/fashion-mnist/train-images-idx3-ubyte.gz" ]; then apt_pkgs+=(dataset-fashion-mnist); fi
if [ "${#apt_pkgs[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "setup.sh: need root (or sudo) to install Debian packages: ${apt_pkgs[*]}" >&2; exit 1
    fi
  fi
  say "installing Debian packages: ${apt_pkgs[*]}"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null
fi

# 3. dependencies (exactly the lockfile) and the build (turbo: core-wasm → sim → cli, and web).
# The main job needs the CLI and what it depends on; the web page is built for the tests (and by
# `samlab web` itself, on first use).
export TURBO_TELEMETRY_DISABLED=1
say "installing dependencies"
pnpm install --frozen-lockfile --reporter=silent
if [ "$want_browser" = 1 ]; then
  say "building every package"
  pnpm build --output-logs=errors-only >&2
else
  say "building the CLI (core-wasm → sim → cli)"
  pnpm turbo run build --filter "@samlab/cli..." --output-logs=errors-only >&2
fi
say "ready"
