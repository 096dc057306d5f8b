import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';

/** Debian's Chromium, installed by project/infra/chromium.sh; Playwright downloads nothing. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh, throw-away profile. */
export async function launchBrowser(viewport = { width: 1280, height: 900 }): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'front-end-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** What a page did that a test may want to forbid: requests, console errors, uncaught errors. */
export interface PageWatch {
  requests: string[];
  consoleErrors: string[];
  pageErrors: string[];
  /** Requests to anything but this machine. data: URLs are not network requests. */
  offMachineRequests(): string[];
}

export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = {
    requests: [],
    consoleErrors: [],
    pageErrors: [],
    offMachineRequests: () =>
      watch.requests.filter((url) => {
        const { protocol, hostname } = new URL(url);
        if (protocol === 'data:' || protocol === 'blob:') return false;
        return !['localhost', '127.0.0.1', '[::1]'].includes(hostname);
      }),
  };
  page.on('request', (request) => watch.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') watch.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => watch.pageErrors.push(error.message));
  return watch;
}

export interface PanelReading {
  /** data-state of the Received panel: success or error. */
  state: string;
  sentLine: string;
  sent: unknown;
  receivedStatus: string;
  received: unknown;
}

/**
 * Clicks a button and waits until the Received panel holds the answer to that click
 * (the Sent line names the button, and the panel is no longer pending).
 */
export async function clickAndRead(
  page: Page,
  buttonName: string,
  { timeoutMs = 20_000, useKeyboard = false } = {},
): Promise<PanelReading> {
  const button = page.getByRole('button', { name: buttonName, exact: true });
  if (useKeyboard) {
    await button.focus();
    await page.keyboard.press('Enter');
  } else {
    await button.click();
  }
  // The click handler names the button in the Sent line and marks the panel pending.
  await page
    .locator('#sent-request')
    .filter({ hasText: new RegExp(`^${escapeRegExp(buttonName)}:`) })
    .waitFor({ timeout: timeoutMs });
  await page.locator('#received-panel:not([data-state="pending"])').waitFor({ timeout: timeoutMs });
  return readPanels(page);
}

export async function readPanels(page: Page): Promise<PanelReading> {
  const text = async (selector: string) => (await page.locator(selector).textContent()) ?? '';
  return {
    state: (await page.locator('#received-panel').getAttribute('data-state')) ?? '',
    sentLine: await text('#sent-request'),
    sent: parseJson(await text('#sent')),
    receivedStatus: await text('#received-status'),
    received: parseJson(await text('#received')),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Waits until the log table has a row whose Data cell is exactly `data`. */
export async function waitForLogRow(page: Page, data: string, timeoutMs = 20_000): Promise<void> {
  const cells = page.locator('#logs-body td.cell-data');
  try {
    await cells
      .filter({ hasText: new RegExp(`^${escapeRegExp(data)}$`) })
      .first()
      .waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (err) {
    const shown = await cells.allTextContents();
    const status = await page.locator('#logs-status').textContent();
    throw new Error(
      `"${data}" did not appear in the log table within ${timeoutMs} ms ` +
        `(status: ${status}; rows: ${JSON.stringify(shown)})`,
      { cause: err },
    );
  }
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const LOG_BUTTONS = [
  { button: 'Test log via RabbitMQ', via: 'rabbitmq' },
  { button: 'Test log via HTTP', via: 'http' },
  { button: 'Test log via JSON-RPC', via: 'rpc' },
  { button: 'Test log via gRPC', via: 'grpc' },
] as const;
