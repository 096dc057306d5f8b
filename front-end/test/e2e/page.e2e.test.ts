// The whole system as a user meets it: the stack started as `make dev` starts it
// (project/dev/run-all.mjs), the page in real headless Chromium, every button clicked,
// every answer checked, and every log transport's entry seen landing in the table.
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, portAccepts, requireAllDependencies } from '@ms/testing';
import type { Page } from 'playwright-core';
import {
  LOG_BUTTONS,
  type PageWatch,
  type TestBrowser,
  clickAndRead,
  launchBrowser,
  waitForLogRow,
  watchPage,
} from '../support/browser';
import { DEV_PORTS, DevStack } from '../support/dev-stack';

const PAGE_URL = 'http://localhost:8000/';
const BROKER_URL = 'http://localhost:8080';
const STACK_START_TIMEOUT_MS = 120_000;
const SCREENSHOT = path.join(REPO_ROOT, 'test-artifacts/front-end.png');
const PHONE_SCREENSHOT = path.join(REPO_ROOT, 'test-artifacts/front-end-phone.png');
const README_SCREENSHOT = path.join(REPO_ROOT, 'front-end/docs/screenshot.png');

jest.setTimeout(60_000);

describe('the whole system through the test page', () => {
  const stack = new DevStack();
  let browser: TestBrowser;
  let page: Page;
  let watch: PageWatch;

  beforeAll(async () => {
    await requireAllDependencies();
    const taken = [];
    for (const port of DEV_PORTS) if (await portAccepts(port)) taken.push(port);
    if (taken.length > 0) {
      throw new Error(
        `already in use on this machine: port ${taken.join(', ')}. Stop \`make dev\` / \`make up\` (or whatever holds them) before running this test`,
      );
    }
    stack.start();
    await stack.waitUntilReady(STACK_START_TIMEOUT_MS);
    browser = await launchBrowser({ width: 1280, height: 900 });
    page = await browser.context.newPage();
    watch = watchPage(page);
    await page.goto(PAGE_URL);
    await page.locator('#logs-status').filter({ hasText: 'newest' }).waitFor({ timeout: 15_000 });
  }, STACK_START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await browser?.close();
    await stack.stop();
  }, 40_000);

  it('points the page at the broker', async () => {
    expect(await page.locator('#broker-url').textContent()).toBe(BROKER_URL);
  });

  it('Test broker: the broker answers', async () => {
    const reading = await clickAndRead(page, 'Test broker', { useKeyboard: true });
    expect(reading).toMatchObject({
      state: 'success',
      received: { error: false, message: 'Hit the broker' },
    });
    expect(reading.receivedStatus).toMatch(/^HTTP 202/);
  });

  it('Test auth: the seeded admin logs in', async () => {
    const reading = await clickAndRead(page, 'Test auth');
    expect(reading).toMatchObject({
      state: 'success',
      received: { error: false, message: 'Authenticated!', data: { email: 'admin@example.com' } },
    });
    expect(JSON.stringify(reading.received)).not.toMatch(/password/i);
  });

  it('Test mail: the mail is sent', async () => {
    const reading = await clickAndRead(page, 'Test mail');
    expect(reading).toMatchObject({
      state: 'success',
      received: { error: false, message: 'Message sent to you@there.com' },
    });
  });

  it.each(LOG_BUTTONS)(
    '$button: accepted, and its entry lands in the table',
    async ({ button, via }) => {
      const reading = await clickAndRead(page, button);
      expect(reading).toMatchObject({
        state: 'success',
        received: { error: false },
        sent: { via },
      });
      expect(reading.receivedStatus).toMatch(/^HTTP 202/);
      const data = (reading.sent as { log: { data: string } }).log.data;
      await waitForLogRow(page, data, 20_000);
    },
  );

  it('kept every request on this machine, with no console errors', async () => {
    expect(watch.requests.some((url) => url.startsWith(`${BROKER_URL}/handle`))).toBe(true);
    expect(watch.offMachineRequests()).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  });

  it('saves screenshots of the page after every button, at 1280 px and at a phone width', async () => {
    await page.mouse.move(0, 0); // no hover highlight in the pictures
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true, animations: 'disabled' });
    // The README's picture changes only on request, so a test run leaves the tree clean.
    if (process.env.UPDATE_README_SCREENSHOT === '1') {
      mkdirSync(path.dirname(README_SCREENSHOT), { recursive: true });
      copyFileSync(SCREENSHOT, README_SCREENSHOT);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: PHONE_SCREENSHOT, fullPage: true, animations: 'disabled' });
  });
});
