# syntax=docker/dockerfile:1
# One image for the API, the worker and the one-shot migrate job (see docker-compose.yml).
# The API and the worker run compiled: `pnpm build` bundles each into apps/<app>/dist (decision
# 0054). The image also holds the sources, node_modules (tsx and the Prisma CLI are dev
# dependencies used by the migrate and seed jobs) and the generated Prisma client.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- base: Node 24 + pnpm ----------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
ENV CI=true \
    PNPM_HOME=/pnpm \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    CHECKPOINT_DISABLE=1
RUN npm install -g pnpm@10.34.9 && npm cache clean --force
WORKDIR /app

# ---- deps: download every package named in the lockfile (cached until the lockfile changes) ----
FROM base AS deps
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch --frozen-lockfile --store-dir /pnpm/store

# ---- build: link the workspace offline and generate the Prisma client --------------------------
FROM deps AS build
COPY . .
RUN pnpm install --frozen-lockfile --offline --store-dir /pnpm/store \
 && bash scripts/prisma-generate.sh \
 && pnpm -s build

# ---- runtime: the workspace without the package store, run as the unprivileged `node` user ------
FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    STORAGE_DIR=/app/.data/storage
# OCR of scanned pages and photos (decision 0042): Tesseract with its French and English models,
# and poppler's pdftoppm to render PDF pages.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng poppler-utils \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
# Code stays root-owned and read-only for the app; only the storage directory is writable.
RUN mkdir -p /app/.data/storage && chown -R node:node /app/.data
USER node
EXPOSE 8000
CMD ["pnpm", "start"]
