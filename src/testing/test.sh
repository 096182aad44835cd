#!/bin/sh
# The README's test command: installs what the suites need on a fresh machine, then runs them all.
set -eu
cd "$(dirname "$0")/../.."

# npm dependencies: reinstall when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

# Debian packages the suites run for real: Chromium for the browser and end-to-end suites
# (CHROME_PATH wins, then an installed one), coturn and redis-server for the TURN, NAT and
# multi-process signaling tests, iptables for the NAT routers of src/testing/nat-topology.sh.
# Installed with apt when we are root; one `apt-get update`.
missing=""
if [ -z "${CHROME_PATH:-}" ]; then
  for candidate in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    if [ -x "$candidate" ]; then CHROME_PATH="$candidate"; break; fi
  done
fi
[ -n "${CHROME_PATH:-}" ] || missing="$missing chromium"
command -v turnserver >/dev/null 2>&1 || missing="$missing coturn"
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
command -v iptables >/dev/null 2>&1 || missing="$missing iptables"
if [ -n "$missing" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's$missing (apt-get)"
  apt-get update -qq
  # shellcheck disable=SC2086 # one word per package
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  # coturn's package starts a system TURN server on 3478; the tests start their own.
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now coturn redis-server >/dev/null 2>&1 || true; fi
  [ -n "${CHROME_PATH:-}" ] || CHROME_PATH=/usr/bin/chromium
fi
if [ -z "${CHROME_PATH:-}" ]; then
  echo "No Chromium found. Install one and set CHROME_PATH=/path/to/chrome." >&2
  exit 1
fi
export CHROME_PATH

exec node src/testing/run-all.mjs "$@"
