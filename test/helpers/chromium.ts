import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Debian's chromium, which `.ci/run` installs; playwright-core drives it (no browser download). */
export const CHROMIUM = '/usr/bin/chromium';

/** `false` when Chromium is installed, else the one skip line naming what is missing and what it would run. */
export function chromiumSkip(what: string): string | false {
  return existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run ${what}`;
}

/** A headless Chromium without the background traffic (updates, sync, QUIC) an offline test must not make. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return (await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  })) as Browser;
}
