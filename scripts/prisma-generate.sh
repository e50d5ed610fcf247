#!/usr/bin/env bash
# Generates the Prisma client offline. Prisma 7's client needs no native engine, but the CLI
# insists on locating a schema-engine binary it never runs for `generate`; a stub satisfies it.
set -euo pipefail
cd "$(dirname "$0")/.."
stub="$PWD/scripts/lib/schema-engine-stub.sh"
PRISMA_SCHEMA_ENGINE_BINARY="$stub" PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1 \
  pnpm exec prisma generate "$@"
