import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * Opens HTML in a headless Chromium, for tests that check what a browser actually makes of a page.
 *
 * The browser is Debian's Chromium, installed by `scripts/install-browser.sh` (`npx playwright install`
 * needs a download host this project's machines cannot reach); `CHROMIUM_PATH` points elsewhere.
 *
 *   const opened = await openHtml(html, { screenshot: 'report.png' });
 *   try {
 *     await expect(opened.page.title()).resolves.toBe('…');
 *     expect(opened.consoleErrors).toEqual([]);
 *     expect(opened.outsideRequests).toEqual([]);
 *   } finally {
 *     await opened.close();
 *   }
 */

export const artifactsRoot = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

export const chromiumPath = () => process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Debian's Chromium, installed by the project's own script the first time a test needs it. */
function ensureChromium() {
  if (process.env.CHROMIUM_PATH || existsSync(chromiumPath())) return;
  execFileSync('bash', [fileURLToPath(new URL('../../scripts/install-browser.sh', import.meta.url))], { stdio: 'inherit' });
}

/**
 * No sandbox because tests run as root in containers; the rest keeps Chromium from calling home
 * (updates, sync, field trials), so that every request a test sees comes from the page.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Debian Chromium for tests that need a browser of their own (printing PDFs); the caller closes it. */
export async function launchBrowser(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS }).catch((error: unknown) => {
    throw new Error(`Chromium did not start from ${chromiumPath()} (run scripts/install-browser.sh or set CHROMIUM_PATH): ${String(error)}`);
  });
}

export interface OpenHtmlOptions {
  /** File name under `test-artifacts/` for a full-page PNG taken once the page has loaded. */
  screenshot?: string;
  /** Default 1280×900. */
  viewport?: { width: number; height: number };
}

export interface OpenedHtml {
  page: Page;
  /** The `file://` URL the page was loaded from. */
  url: string;
  /** Console messages of type `error` and uncaught page errors, as they arrived (live: keeps filling while open). */
  consoleErrors: string[];
  /**
   * Every request other than the page itself and `data:` URLs (live). Such requests are aborted, so
   * nothing a test opens reaches the network even when the page tries.
   */
  outsideRequests: string[];
  /** Absolute path of the screenshot, when one was asked for. */
  screenshotPath?: string;
  /** Closes the browser and removes its profile and the page's temporary file. */
  close: () => Promise<void>;
}

/** Loads `html` from a temporary file in a fresh headless Chromium (own temporary profile) and waits for `load`. */
export async function openHtml(html: string, options: OpenHtmlOptions = {}): Promise<OpenedHtml> {
  ensureChromium();
  const workDirectory = mkdtempSync(join(tmpdir(), 'browser-test-'));
  const profileDirectory = join(workDirectory, 'profile');
  const pagePath = join(workDirectory, 'page.html');
  writeFileSync(pagePath, html);
  const url = pathToFileURL(pagePath).href;

  const context = await chromium
    .launchPersistentContext(profileDirectory, {
      executablePath: chromiumPath(),
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1280, height: 900 },
      deviceScaleFactor: 1,
      locale: 'de-DE',
      timezoneId: 'Europe/Berlin',
    })
    .catch((error: unknown) => {
      rmSync(workDirectory, { recursive: true, force: true });
      throw new Error(`Chromium did not start from ${chromiumPath()} (run scripts/install-browser.sh or set CHROMIUM_PATH): ${String(error)}`);
    });
  const close = async () => {
    await context.close();
    rmSync(workDirectory, { recursive: true, force: true });
  };

  try {
    const consoleErrors: string[] = [];
    const outsideRequests: string[] = [];
    await context.route(
      (requested) => requested.href !== url && requested.protocol !== 'data:',
      (route) => {
        outsideRequests.push(route.request().url());
        return route.abort('blockedbyclient');
      },
    );
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`${error.name}: ${error.message}`));
    await page.goto(url, { waitUntil: 'load' });

    let screenshotPath: string | undefined;
    if (options.screenshot) {
      screenshotPath = resolve(artifactsRoot, options.screenshot);
      mkdirSync(dirname(screenshotPath), { recursive: true });
      await page.screenshot({ path: screenshotPath, fullPage: true });
    }
    return { page, url, consoleErrors, outsideRequests, ...(screenshotPath ? { screenshotPath } : {}), close };
  } catch (error) {
    await close();
    throw error;
  }
}
