#!/usr/bin/env bash
# Idempotent set-up shared by the README's two commands: system services, dependencies,
# the Prisma client, and the development database migrated to the latest schema.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system.sh
echo "[setup] installing dependencies"
pnpm install --frozen-lockfile --prefer-offline >/dev/null
echo "[setup] generating the Prisma client"
bash scripts/prisma-generate.sh >/dev/null
if [ ! -f .env ] && [ -f .env.example ]; then cp .env.example .env; fi
set -a; [ -f .env ] && . ./.env; set +a
echo "[setup] migrating ${DATABASE_URL:-the default database}"
pnpm -s db:migrate
