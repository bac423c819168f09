/**
 * Launches Debian's Chromium (never a downloaded browser) through playwright-core. Missing
 * Chromium is a failure, not a skip: the e2e suite is part of `npm test` (`.ci/run` installs it).
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';

/** Where Debian's `chromium` package puts it; SKEIN_CHROMIUM overrides. */
export const CHROMIUM_PATH = process.env['SKEIN_CHROMIUM'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // The server under test has a self-signed certificate.
  '--ignore-certificate-errors',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: the browser tests need it ` +
        '(apt-get install -y chromium, or set SKEIN_CHROMIUM)',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}
