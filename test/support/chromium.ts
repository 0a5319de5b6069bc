import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Debian's headless-capable browser; installed on first use when running as root (CI does it up front). */
export async function ensureChromium(): Promise<string> {
  const found = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (found) return found;
  if (userInfo().uid !== 0) throw new Error('chromium is missing: apt-get install chromium');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await exec('apt-get', ['install', '-y', '-q', 'chromium'], { env, maxBuffer: 64 * 2 ** 20 }).catch(
    async () => {
      await exec('apt-get', ['update', '-q'], { env, maxBuffer: 64 * 2 ** 20 });
      await exec('apt-get', ['install', '-y', '-q', 'chromium'], { env, maxBuffer: 64 * 2 ** 20 });
    },
  );
  return '/usr/bin/chromium';
}

/** Headless Chromium on a file: its DOM after the page's scripts ran, or a screenshot. */
export async function headless(browser: string, args: string[], url: string): Promise<string> {
  const { stdout } = await exec(
    browser,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--hide-scrollbars',
      '--virtual-time-budget=5000',
      ...args,
      url,
    ],
    { timeout: 120_000, maxBuffer: 64 * 2 ** 20 },
  );
  return stdout;
}
