// The page itself in real headless Chromium, against a fake broker whose answers the test
// chooses: payloads sent, panels, error display, HTML safety, layout. The real stack is
// exercised by test/e2e/page.e2e.test.ts.
import { createLogger, parseConfig } from '@ms/service-kit';
import { freePort } from '@ms/testing';
import type { Page } from 'playwright-core';
import { configSchema } from '../../src/config';
import { type RunningFrontEnd, start } from '../../src/service';
import {
  LOG_BUTTONS,
  type PageWatch,
  type TestBrowser,
  clickAndRead,
  launchBrowser,
  waitForLogRow,
  watchPage,
} from '../support/browser';
import { FakeBroker } from '../support/fake-broker';

jest.setTimeout(60_000);

const HOSTILE = '<img src=x onerror="window.__pwned=true">';

function startFrontEnd(brokerUrl: string): Promise<RunningFrontEnd> {
  const config = parseConfig(configSchema, {
    PORT: '0',
    BROKER_URL: brokerUrl,
    MAILHOG_URL: 'http://127.0.0.1:18025',
  });
  return start(config, { logger: createLogger('front-end', { level: 'silent' }) });
}

describe('the test page in a browser', () => {
  const broker = new FakeBroker();
  const logs: { id: string; name: string; data: string; created_at: string }[] = [];
  let brokerUrl: string;
  let frontEnd: RunningFrontEnd;
  let browser: TestBrowser;
  let page: Page;
  let watch: PageWatch;

  beforeAll(async () => {
    brokerUrl = await broker.start();
    frontEnd = await startFrontEnd(brokerUrl);
    browser = await launchBrowser();
  });

  beforeEach(async () => {
    logs.length = 0;
    broker.received.length = 0;
    broker.respond = ({ path, body }) => {
      if (path.startsWith('/logs'))
        return { status: 200, body: { error: false, message: 'logs', data: [...logs].reverse() } };
      const log = (body as { log?: { name: string; data: string } } | undefined)?.log;
      if (log)
        logs.push({ id: String(logs.length + 1), ...log, created_at: new Date().toISOString() });
      return { status: 202, body: { error: false, message: 'accepted' } };
    };
    page = await browser.context.newPage();
    watch = watchPage(page);
    await page.goto(`http://127.0.0.1:${frontEnd.port}/`);
    await page.locator('#logs-status').filter({ hasText: 'newest' }).waitFor();
  });

  afterEach(async () => {
    await page.close();
  });

  afterAll(async () => {
    await browser?.close();
    await frontEnd?.stop();
    await broker.stop();
  });

  it('shows the configured broker and MailHog addresses', async () => {
    expect(await page.locator('#broker-url').textContent()).toBe(brokerUrl);
    expect(await page.locator('#mailhog-link').getAttribute('href')).toBe('http://127.0.0.1:18025');
  });

  it('sends the original payloads and shows each request and answer', async () => {
    const broker202 = await clickAndRead(page, 'Test broker');
    expect(broker202.sentLine).toBe(`Test broker: POST ${brokerUrl}/`);
    expect(broker202.state).toBe('success');
    expect(broker202.receivedStatus).toMatch(/^HTTP 202/);
    expect(broker202.received).toEqual({ error: false, message: 'accepted' });

    const auth = await clickAndRead(page, 'Test auth');
    expect(auth.sentLine).toBe(`Test auth: POST ${brokerUrl}/handle`);
    expect(auth.sent).toEqual({
      action: 'auth',
      auth: { email: 'admin@example.com', password: 'verysecret' },
    });
    await clickAndRead(page, 'Test mail');
    for (const { button } of LOG_BUTTONS) await clickAndRead(page, button);

    expect(broker.received.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'POST /',
      ...Array(6).fill('POST /handle'),
    ]);
    const [, authBody, mailBody, ...logBodies] = broker.received.map(({ body }) => body);
    expect(authBody).toEqual(auth.sent);
    expect(mailBody).toEqual({
      action: 'mail',
      mail: {
        from: 'me@example.com',
        to: 'you@there.com',
        subject: 'Test email',
        message: 'Hello world!',
      },
    });
    expect(logBodies).toEqual(
      LOG_BUTTONS.map(({ via }) => ({
        action: 'log',
        log: {
          name: 'event',
          data: expect.stringMatching(/^Some kind of data via .+ at [\d:.]+$/),
        },
        via,
      })),
    );
    expect(await page.locator('#output li').count()).toBe(7);
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  });

  it('shows each log entry in the table once the broker lists it', async () => {
    const { sent } = await clickAndRead(page, 'Test log via gRPC');
    const data = (sent as { log: { data: string } }).log.data;
    await waitForLogRow(page, data, 5_000);
    expect(await page.locator('#logs-body tr').count()).toBe(1);
  });

  it('writes server data as text, never as HTML', async () => {
    logs.push({ id: 'x', name: `<b>bold</b>`, data: HOSTILE, created_at: 'not a date <i>' });
    broker.respond = ({ path }) =>
      path.startsWith('/logs')
        ? { status: 200, body: { error: false, message: 'logs', data: logs } }
        : { status: 401, body: { error: true, message: HOSTILE } };
    await page.getByRole('button', { name: 'Refresh' }).click();
    await waitForLogRow(page, HOSTILE, 5_000);
    const reading = await clickAndRead(page, 'Test auth');
    expect(reading.received).toEqual({ error: true, message: HOSTILE });
    expect(await page.locator('#output li').last().textContent()).toContain(HOSTILE);
    expect(await page.locator('main img, main b, main i').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
  });

  it('shows an error answer as an error', async () => {
    broker.respond = () => ({ status: 401, body: { error: true, message: 'invalid credentials' } });
    const reading = await clickAndRead(page, 'Test auth');
    expect(reading.state).toBe('error');
    expect(reading.receivedStatus).toMatch(/^Error: HTTP 401/);
    expect(reading.received).toEqual({ error: true, message: 'invalid credentials' });
    expect(await page.locator('#output li.outcome-error').count()).toBe(1);
  });

  it('says so when the broker cannot be reached', async () => {
    const closedPort = await freePort();
    const unreachable = `http://127.0.0.1:${closedPort}`;
    const lonelyFrontEnd = await startFrontEnd(unreachable);
    try {
      await page.goto(`http://127.0.0.1:${lonelyFrontEnd.port}/`);
      await page.locator('#logs-status.is-error').waitFor();
      expect(await page.locator('#logs-status').textContent()).toBe(
        `Could not load log entries: Could not reach the broker at ${unreachable}. Is it running? (Failed to fetch)`,
      );
      const reading = await clickAndRead(page, 'Test broker');
      expect(reading.state).toBe('error');
      expect(reading.receivedStatus).toBe('Error: no answer from the broker');
      expect(reading.received).toBe(
        `Could not reach the broker at ${unreachable}. Is it running? (Failed to fetch)`,
      );
      expect(await page.locator('#output li.outcome-error').count()).toBe(1);
    } finally {
      await lonelyFrontEnd.stop();
    }
  });

  it('can be driven with the keyboard alone', async () => {
    await page.keyboard.press('Tab'); // the MailHog link
    await page.keyboard.press('Tab');
    expect((await page.locator(':focus').textContent())?.trim()).toBe('Test broker');
    await page.keyboard.press('Enter');
    await page.locator('#received-panel[data-state="success"]').waitFor();
    expect(broker.received.map(({ path }) => path)).toEqual(['/']);
  });

  it('fits a phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const { button } of LOG_BUTTONS) await clickAndRead(page, button);
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
  });
});
