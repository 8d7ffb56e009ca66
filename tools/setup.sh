#!/usr/bin/env bash
# Set up everything hbx needs on a fresh Debian machine with only Node.js:
# the Debian packages of the real peers (when run as root), the npm dependencies, the build.
set -euo pipefail
cd "$(dirname "$0")/.."

# The real peers the tests use: the original Heartbeat 3.0.6 daemon, real OCF agents, Pacemaker's
# CLI tools as oracles, xmllint, ip (network namespaces), an LSB init script (nginx), fence agents,
# a headless browser (chromium) for the status page test, a terminal (tmux) for crm_mon's
# refreshing mode, logrotate to check the Debian package's logrotate file.
DEBIAN_PACKAGES=(heartbeat pacemaker-cli-utils resource-agents pacemaker-resource-agents
  libxml2-utils iproute2 nginx-light fence-agents procps util-linux time chromium tmux logrotate)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages: ${missing[*]}"
    # Packages must not start their daemons (heartbeat, pacemaker, nginx) on this machine:
    # the tests start the real daemons themselves, each in its own namespace.
    created_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [ "$created_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  else
    echo "setup: these Debian packages are missing and this is not root, so they are not installed:" >&2
    echo "         ${missing[*]}" >&2
    echo "       install them with: sudo apt-get install -y ${missing[*]}" >&2
    echo "       (tests that need them are reported as skipped)" >&2
  fi
fi

PNPM=(npx -y pnpm@10)
# Set-up is quick when nothing changed: stamps under node_modules (ignored by git, gone with it)
# record what the last install and the last build were made from.
STAMPS=node_modules/.hbx-setup
install_key=$(cat pnpm-lock.yaml pnpm-workspace.yaml package.json packages/*/package.json tools/package.json |
  sha256sum | cut -d' ' -f1)
installed=0
if [ -f node_modules/.modules.yaml ] && [ "$(cat "$STAMPS/install" 2>/dev/null)" = "$install_key" ]; then
  echo "setup: node_modules matches pnpm-lock.yaml, pnpm install skipped"
else
  "${PNPM[@]}" install --frozen-lockfile --reporter=append-only 2>&1 | grep -v '^npm warn' | tail -n 5
  mkdir -p "$STAMPS" && echo "$install_key" >"$STAMPS/install"
  installed=1
fi

# What the build is made from (extra find tests narrow it): a file added, removed or edited since
# the last build rebuilds.
build_sources() {
  find packages tools \( -name node_modules -o -name dist \) -prune -o -type f \
    \( -name '*.ts' ! -name '*.test.ts' -o -name '*.js' -o -name '*.mjs' -o -name 'package.json' \
    -o -name 'tsconfig*.json' \) "$@" -print
  find . -maxdepth 1 -name 'tsconfig*.json' "$@" -print
}
build_key=$({ echo "$install_key"; build_sources | LC_ALL=C sort; } | sha256sum | cut -d' ' -f1)
if [ "$installed" = 0 ] && [ "$(cat "$STAMPS/build" 2>/dev/null)" = "$build_key" ] &&
  [ -f tools/dist/demo/main.js ] && [ -z "$(build_sources -newer "$STAMPS/build" | head -n 1)" ]; then
  echo "setup: build up to date (no source changed since the last one), skipped"
else
  # The stamp takes the build's start time, so a file edited during the build rebuilds next time.
  mkdir -p "$STAMPS" && touch "$STAMPS/build.started"
  "${PNPM[@]}" run --silent build
  echo "$build_key" >"$STAMPS/build" && touch -r "$STAMPS/build.started" "$STAMPS/build"
fi
