#!/usr/bin/env bash
# The whole test suite: set up, lint, typecheck (part of the build), every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
PNPM=(npx -y pnpm@10)
echo "== lint"
"${PNPM[@]}" run --silent lint
echo "== tests"
"${PNPM[@]}" exec vitest run
