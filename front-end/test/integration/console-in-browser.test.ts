// The log console in real headless Chromium against the real broker, authentication service
// and logger (started in this process on free ports, on the real Postgres and FerretDB):
// sign in, search, open an entry, delete it and see it gone, sign out.
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { createLogger, parseConfig } from '@ms/service-kit';
import { REPO_ROOT, freePort, uniqueName } from '@ms/testing';
import type { Page } from 'playwright-core';
import { SystemUnderTest } from '../../../broker-service/test/support/system';
import { configSchema } from '../../src/config';
import { type RunningFrontEnd, start } from '../../src/service';
import { type PageWatch, type TestBrowser, launchBrowser, watchPage } from '../support/browser';

jest.setTimeout(120_000);

const SCREENSHOT = path.join(REPO_ROOT, 'test-artifacts/console.png');
const README_SCREENSHOT = path.join(REPO_ROOT, 'front-end/docs/console.png');
const HOSTILE = '<img src=x onerror="window.__pwned=true">';

describe('the log console in a browser (real services)', () => {
  const system = new SystemUnderTest();
  const name = uniqueName('console_ui');
  let frontEnd: RunningFrontEnd;
  let browser: TestBrowser;
  let page: Page;
  let watch: PageWatch;
  let pageUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    pageUrl = `http://127.0.0.1:${port}`;
    await system.start({ CORS_ORIGINS: pageUrl });
    for (const data of ['first entry', `second entry ${HOSTILE}`, 'third entry']) {
      const res = await fetch(`${system.broker.url}/handle`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'log', via: 'http', log: { name, data } }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(res.status).toBe(202);
    }
    frontEnd = await start(
      parseConfig(configSchema, {
        PORT: String(port),
        BROKER_URL: system.broker.url,
        MAILHOG_URL: 'http://127.0.0.1:18025',
      }),
      { logger: createLogger('front-end', { level: 'silent' }) },
    );
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await frontEnd?.stop();
    await system.stop();
  });

  beforeEach(async () => {
    page = await browser.context.newPage();
    watch = watchPage(page);
  });
  afterEach(() => page.close());

  async function signIn(email: string, password: string) {
    await page.goto(`${pageUrl}/console`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    // The keyboard alone: Enter in the form submits it.
    await page.getByLabel('Password').press('Enter');
    await page.locator('#console-view').waitFor({ state: 'visible', timeout: 20_000 });
  }

  const rows = () => page.locator('#results .result');

  it('signs in, searches, opens an entry, deletes it and sees it gone', async () => {
    await page.goto(`${pageUrl}/console`);
    await page.locator('#sign-in-view').waitFor({ state: 'visible' });
    await signIn('admin@example.com', 'verysecret');
    expect(await page.locator('#session-email').textContent()).toBe('admin@example.com');
    expect(await page.locator('#session-role').textContent()).toBe('admin');

    await page.getByLabel('Name').fill(name);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await rows().filter({ hasText: 'first entry' }).waitFor();
    expect(await rows().locator('.data').allTextContents()).toEqual([
      'third entry',
      `second entry ${HOSTILE}`,
      'first entry',
    ]);

    // Open the hostile one: every field as text, the markup never run.
    await rows().filter({ hasText: 'second entry' }).click();
    await page.locator('#detail-fields').waitFor({ state: 'visible' });
    const fields = await page.locator('#detail-fields dt').allTextContents();
    expect(fields).toEqual(
      expect.arrayContaining(['id', 'name', 'data', 'event_id', 'created_at']),
    );
    expect(await page.locator('#detail-fields dd').allTextContents()).toContain(
      `second entry ${HOSTILE}`,
    );
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('#detail-fields img').count()).toBe(0);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    // The README's picture changes only on request, so a test run leaves the tree clean.
    if (process.env.UPDATE_README_SCREENSHOT === '1') copyFileSync(SCREENSHOT, README_SCREENSHOT);

    await page.getByRole('button', { name: 'Delete this entry' }).click();
    await page.locator('#search-status').filter({ hasText: 'Entry deleted.' }).waitFor();
    expect(await rows().locator('.data').allTextContents()).toEqual(['third entry', 'first entry']);
    // Gone on the server too: a fresh search does not bring it back.
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('#search-status').filter({ hasText: '2 entries shown' }).waitFor();
    expect(await rows().locator('.data').allTextContents()).toEqual(['third entry', 'first entry']);

    // The token is in this tab's sessionStorage, never in localStorage.
    const storage = await page.evaluate(
      '({ session: Object.keys(sessionStorage), local: localStorage.length })',
    );
    expect(storage).toEqual({ session: ['log-console.session'], local: 0 });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#sign-in-view').waitFor({ state: 'visible' });
    expect(await page.locator('#notice').textContent()).toBe('You signed out.');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);

    expect(watch.offMachineRequests()).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  });

  it('returns to the sign-in form with a message when the token is no longer valid', async () => {
    await signIn('admin@example.com', 'verysecret');
    await rows().first().waitFor();
    // A token the broker refuses (as after expiry): the next call ends the session.
    await page.evaluate(`(() => {
      const key = 'log-console.session';
      const saved = JSON.parse(sessionStorage.getItem(key));
      sessionStorage.setItem(key, JSON.stringify({ ...saved, token: saved.token + 'x' }));
    })()`);
    await page.reload();
    await page.locator('#sign-in-view').waitFor({ state: 'visible' });
    expect(await page.locator('#notice').textContent()).toMatch(/no longer valid.*Sign in again/);
  });

  it('says so for a wrong password, and fits a 390 px wide phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${pageUrl}/console`);
    await page.getByLabel('Email').fill('admin@example.com');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#sign-in-error').filter({ hasText: 'Wrong email or password.' }).waitFor();
    await signIn('admin@example.com', 'verysecret');
    await rows().first().waitFor();
    const overflow = await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
