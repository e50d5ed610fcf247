# syntax=docker/dockerfile:1
# The production image runs the API (its default command), the worker and the one-shot migration
# job; see docker-compose.yml and docs/operations.md. Its final stage holds only the compiled
# bundles, the migrations and the npm packages the bundles load (`pnpm build:production`,
# decision 0060). It has no sources, no dev dependencies, no tests, no demo data and no package
# manager, and it runs as the unprivileged `node` user.
# The `build` stage is the development image (`--target build`, compose's `dev` profile): the
# whole workspace with every dependency, tsx and the demo seed.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- system: Node 24 and the Debian tools the worker runs --------------------------------------
FROM ${NODE_IMAGE} AS system
# OCR of scanned pages and photos (decision 0042): Tesseract with its French and English models,
# poppler's pdftoppm to render PDF pages. Lesson audio offline (decision 0045): espeak-ng, opusenc,
# lame. Fonts for the offline illustrations (decision 0046).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng poppler-utils \
      espeak-ng opus-tools lame fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

# ---- base: pnpm, for the build stages only -----------------------------------------------------
FROM system AS base
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

# ---- build: the workspace, its bundles, and the production tree in /out -------------------------
FROM deps AS build
COPY . .
RUN pnpm install --frozen-lockfile --offline --store-dir /pnpm/store \
 && bash scripts/prisma-generate.sh \
 && pnpm -s build \
 && pnpm -s build:production /out \
 && mkdir -p /app/.data/storage \
 && chown -R node:node /app/.data
USER node

# ---- runtime: the production tree only ---------------------------------------------------------
FROM system AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    STORAGE_DIR=/app/.data/storage
# Nothing installs packages at run time: the base image's npm, npx, corepack and yarn go.
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
WORKDIR /app
# Root-owned and read-only for the app; only the storage directory is writable.
COPY --from=build /out /app
RUN mkdir -p /app/.data/storage && chown -R node:node /app/.data
USER node
EXPOSE 8000
# The API's liveness; compose turns it off for the worker and the migration job, which serve no HTTP.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself (not a package manager) so SIGTERM reaches the process and requests drain.
CMD ["node", "--enable-source-maps", "apps/api/dist/index.js"]
