import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Debian's `chromium`: .ci/run installs it; a test that needs it fails, never skips, without it. */
export function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'chromium is not installed. .ci/run installs it (apt-get install -y --no-install-recommends chromium); run that line once on this machine.',
    );
  }
}

// Headless on 127.0.0.1 only: nothing reaches out (no update checks, sync or first-run pages).
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--hide-scrollbars',
  '--window-size=1280,1300',
];

export interface PageOptions {
  /** Virtual time the page may run its scripts and timers for before the DOM is read. */
  budgetMs?: number;
  /** Also save a PNG of the page here. */
  screenshot?: string;
}

/**
 * Loads `url` in a throwaway profile and answers the DOM after its scripts ran (`--dump-dom`),
 * with `--virtual-time-budget` so the wait is fixed in virtual time, not a guess of real time.
 */
export async function renderedDom(url: string, options: PageOptions = {}): Promise<string> {
  const chromium = chromiumPath();
  const profile = await mkdtemp(join(tmpdir(), 'chromium-profile-'));
  const budget = `--virtual-time-budget=${options.budgetMs ?? 8_000}`;
  const run = (...args: string[]) =>
    promisify(execFile)(chromium, [...FLAGS, `--user-data-dir=${profile}`, budget, ...args], {
      timeout: 90_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  try {
    const { stdout } = await run('--dump-dom', url);
    if (options.screenshot !== undefined) await run(`--screenshot=${options.screenshot}`, url);
    return stdout;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}
