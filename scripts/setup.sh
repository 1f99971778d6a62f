#!/usr/bin/env bash
# Sets samlab up on a fresh machine that has only Node 20 and npm:
# pnpm (the pinned version), the Debian packages the chosen job needs (Fashion-MNIST always;
# with --test Chromium, and a one-node Slurm and GNU parallel for the cluster recipes' tests), the
# dependencies, the build.
#
#   bash scripts/setup.sh           # what `samlab` needs (the web page builds on `samlab web`'s first use)
#   bash scripts/setup.sh --test    # plus the web page, Chromium, Slurm (slurmctld, slurmd, slurm-client, munge), parallel
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
# The cluster recipes of docs/SCALING.md, run by test/slurm.test.ts: a one-node Slurm
# (scripts/slurm.sh) and GNU parallel. --no-install-recommends: 8 packages instead of 43.
cluster_pkgs=()
if [ "$want_browser" = 1 ]; then
  for p in slurmctld slurmd slurm-client munge parallel; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || cluster_pkgs+=("$p")
  done
fi
if [ "${#apt_pkgs[@]}" -gt 0 ] || [ "${#cluster_pkgs[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "setup.sh: need root (or sudo) to install Debian packages: ${apt_pkgs[*]} ${cluster_pkgs[*]}" >&2; exit 1
    fi
  fi
  $SUDO apt-get update -qq >/dev/null
  if [ "${#apt_pkgs[@]}" -gt 0 ]; then
    say "installing Debian packages: ${apt_pkgs[*]}"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null
  fi
  if [ "${#cluster_pkgs[@]}" -gt 0 ]; then
    say "installing Debian packages: ${cluster_pkgs[*]}"
    # Their maintainer scripts would start munged, slurmctld and slurmd where an init system runs;
    # a policy-rc.d that says no (exit 101) keeps them stopped: scripts/slurm.sh starts its own.
    # An existing policy-rc.d is left as it is.
    policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      policy=/usr/sbin/policy-rc.d
      printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
      $SUDO chmod 755 "$policy"
      trap '$SUDO rm -f "$policy"' EXIT
    fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${cluster_pkgs[@]}" >/dev/null
    if [ -n "$policy" ]; then $SUDO rm -f "$policy"; trap - EXIT; fi
  fi
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
