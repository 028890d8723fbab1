import { existsSync } from 'node:fs';
import Chromium from '@sparticuz/chromium';

/**
 * A headless Chromium for the tests, brought by npm: `@sparticuz/chromium` ships a compressed Linux x64 build
 * in its package and unpacks it into the temp directory on first use, so `npm ci && npm test` needs no
 * system browser. `CHROMIUM_PATH` points at another build (e.g. Debian's `/usr/bin/chromium`) instead.
 */
export async function headlessChromiumPath(): Promise<string> {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen !== undefined && chosen !== '') {
    if (!existsSync(chosen))
      throw new Error(`CHROMIUM_PATH is set to ${chosen}, where there is no file.`);
    return chosen;
  }
  return Chromium.executablePath();
}

/** Flags for a sandbox-less container: no GPU, no /dev/shm (often tiny in CI). */
export const HEADLESS_CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'];
