#!/usr/bin/env bash
# README command (b): set everything up, then run the whole test suite on real PostgreSQL,
# pgvector and Redis. Extra arguments go to vitest (e.g. a test file).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
set -a; [ -f .env ] && . ./.env; set +a
pnpm -s test "$@"
