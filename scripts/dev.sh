#!/usr/bin/env bash
# README command (a): set everything up, load the demo data, and serve the API with a worker
# on http://127.0.0.1:8000 until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
set -a; [ -f .env ] && . ./.env; set +a
# The API and the worker run compiled, as in production (docs/operations.md).
pnpm -s build
pnpm -s seed:demo
pnpm -s worker &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM
pnpm -s start
