#!/usr/bin/env bash
# Stand-in for Prisma's native schema engine (see scripts/prisma-generate.sh). It only answers --version.
echo "schema-engine-cli stub (offline)"
