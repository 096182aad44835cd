#!/bin/sh
# The README's start command: installs dependencies when needed, builds the app and the server,
# then runs both as one Node process on one port (PORT, default 8080).
set -eu
cd "$(dirname "$0")/../.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
npm run --silent build
exec node dist-server/server/main.js
