#!/usr/bin/env bash
# Set up, then run the main job: a local cluster on loopback with an example configuration.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
node tools/dist/demo/main.js "$@"
