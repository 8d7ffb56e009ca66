#!/usr/bin/env bash
# pnpm sim [--seeds N] [--from S] [--nodes 3..5] [--bug force-writes|ignore-quorum]
# Runs the whole-cluster simulator over N seeds (default 200) and fails on any violation.
set -euo pipefail
cd "$(dirname "$0")/../.."
seeds=200 from=1 nodes=3 bug=""
while [ $# -gt 0 ]; do
  case "$1" in
    --) ;;
    --seeds) seeds="$2"; shift ;;
    --from) from="$2"; shift ;;
    --nodes) nodes="$2"; shift ;;
    --bug) bug="$2"; shift ;;
    *) echo "pnpm sim: unknown option $1 (expected --seeds N, --from S, --nodes N, --bug NAME)" >&2; exit 2 ;;
  esac
  shift
done
export HBX_SIM_SEEDS="$seeds" HBX_SIM_FROM="$from" HBX_SIM_NODES="$nodes"
[ -n "$bug" ] && export HBX_SIM_BUG="$bug"
exec node_modules/.bin/vitest run test/sim/cluster-sim.test.ts -t "finds no violation over its seeds"
