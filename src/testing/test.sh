#!/bin/sh
# The README's test command: installs what the suites need on a fresh machine, then runs them all.
set -eu
cd "$(dirname "$0")/../.."

# npm dependencies: reinstall when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

# A Chromium for the browser and end-to-end suites: CHROME_PATH wins, then an installed one,
# then Debian's package when we are root with apt.
if [ -z "${CHROME_PATH:-}" ]; then
  for candidate in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    if [ -x "$candidate" ]; then CHROME_PATH="$candidate"; break; fi
  done
fi
if [ -z "${CHROME_PATH:-}" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    CHROME_PATH=/usr/bin/chromium
  else
    echo "No Chromium found. Install one and set CHROME_PATH=/path/to/chrome." >&2
    exit 1
  fi
fi
export CHROME_PATH

exec node src/testing/run-all.mjs "$@"
