#!/usr/bin/env bash
# The full test suite (`npm test`): installs the Node dependencies, builds,
# installs and starts every service the integration tests use, then runs the
# static checks, the bundle check, the unit tests and the integration tests.
# Safe to run repeatedly; services already running are reused.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "node dependencies"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

step "build"
npm run build --silent

step "services"
# shellcheck source=scripts/services.sh
source scripts/services.sh
ensure_services

step "lint (tsc, eslint, prettier)"
npm run lint --silent

step "action bundles are current"
node scripts/package.mjs --check

step "unit tests"
npm run test:unit --silent -- --ci

step "integration tests"
npm run test:integration --silent -- --ci
