// Where Chromium is and how to start it on these machines (root, no GPU, closed network).
import { existsSync } from 'node:fs';

/** Path of the Chromium to use: $CHROME_PATH, else a usual install location. */
export function chromePath() {
  const candidates = [
    process.env.CHROME_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ];
  const found = candidates.find((path) => path && existsSync(path));
  if (!found) throw new Error('No Chromium found: install one or set CHROME_PATH');
  return found;
}

/** Flags for headless Chromium here: root needs --no-sandbox; no calls home. */
export const chromeArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  // Host ICE candidates as plain addresses: mDNS names do not resolve inside the test namespace.
  // No omnibox popup: Chromium preloads it as a WebUI page in a renderer of its own for every
  // new window, and a test's or benchmark's peer is a new window (context) opened just before
  // it is measured (1-1.5 s of CPU beside a newcomer's catch-up on this 2-core machine).
  '--disable-features=WebRtcHideLocalIpsWithMdns,WebUIOmniboxPopup,WebUIOmniboxAimPopup',
];
