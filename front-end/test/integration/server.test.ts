import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { createLogger, parseConfig } from '@ms/service-kit';
import request from 'supertest';
import { configSchema } from '../../src/config';
import { type RunningFrontEnd, bootstrapCssDir, start } from '../../src/service';

const BROKER_URL = 'http://broker.example.test:9080';

describe('front-end server', () => {
  let frontEnd: RunningFrontEnd;
  let base: string;

  beforeAll(async () => {
    const config = parseConfig(configSchema, {
      PORT: '0',
      BROKER_URL: `${BROKER_URL}/`,
      MAILHOG_URL: 'http://mailhog.example.test:18025',
    });
    frontEnd = await start(config, { logger: createLogger('front-end', { level: 'silent' }) });
    base = `http://127.0.0.1:${frontEnd.port}`;
  });

  afterAll(async () => {
    await frontEnd?.stop();
  });

  // `/console` is the log console, a second static page under the same rules.
  it.each(['/', '/console'])(
    'serves %s with a strict Content-Security-Policy naming the broker',
    async (page) => {
      const res = await request(base).get(page).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const policy = res.headers['content-security-policy'];
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("script-src 'self';");
      expect(policy).toContain(`connect-src 'self' ${BROKER_URL}`);
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).not.toContain('unsafe-eval');
    },
  );

  it.each(['/', '/console'])(
    '%s has no inline script, inline handler, inline style or javascript: link in its HTML',
    async (page) => {
      const html = (await request(base).get(page).expect(200)).text;
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes = '', body = ''] of scripts) {
        expect(attributes).toMatch(/\bsrc="\/[^"]+"/);
        expect(body.trim()).toBe('');
      }
      expect(html).not.toMatch(/\son[a-z]+\s*=/i);
      expect(html).not.toMatch(/<style\b|\sstyle\s*=/i);
      expect(html).not.toMatch(/javascript:/i);
    },
  );

  it('answers 200 for every asset the page references, and none of them is off the machine', async () => {
    const html = (await request(base).get('/').expect(200)).text;
    const references = [...html.matchAll(/\s(?:src|href)="([^"#]+)"/g)].map(([, url]) => url ?? '');
    const local = references.filter((url) => url.startsWith('/'));
    // The one absolute link is MailHog's, which main.js replaces with MAILHOG_URL.
    expect(references.filter((url) => !url.startsWith('/'))).toEqual(['http://localhost:8025']);
    expect(local).toEqual(
      expect.arrayContaining([
        '/vendor/bootstrap/bootstrap.min.css',
        '/css/page.css',
        '/js/main.js',
      ]),
    );
    for (const url of local) await request(base).get(url).expect(200);
  });

  it('serves the page scripts as JavaScript, as ES modules require', async () => {
    for (const file of ['main.js', 'actions.js', 'broker-client.js', 'log-table.js', 'panels.js']) {
      const res = await request(base).get(`/js/${file}`).expect(200);
      expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    }
  });

  it('generates /config.js from its configuration, never cached', async () => {
    const res = await request(base).get('/config.js').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toBe(
      'export const pageConfig = Object.freeze({"brokerUrl":"http://broker.example.test:9080","mailhogUrl":"http://mailhog.example.test:18025"});\n',
    );
  });

  it("serves Bootstrap's CSS from the installed npm package, unchanged", async () => {
    const res = await request(base).get('/vendor/bootstrap/bootstrap.min.css').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/css/);
    expect(res.text).toBe(readFileSync(`${bootstrapCssDir()}/bootstrap.min.css`, 'utf8'));
  });

  it('answers an unknown path with the 404 envelope, still under the policy', async () => {
    const res = await request(base).get('/no/such/page').expect(404);
    expect(res.body).toEqual({ error: true, message: 'route not found' });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('does not serve files outside public/', async () => {
    await request(base).get('/../package.json').expect(404);
    await request(base).get('/%2e%2e/package.json').expect(404);
    await request(base).get('/vendor/bootstrap/../../package.json').expect(404);
  });

  it('stops within 3 s although a browser holds a spare socket that never sent a request', async () => {
    const own = await start(parseConfig(configSchema, { PORT: '0' }), {
      logger: createLogger('front-end', { level: 'silent' }),
    });
    const spare = connect(own.port, '127.0.0.1');
    await once(spare, 'connect');
    const started = Date.now();
    await own.stop();
    expect(Date.now() - started).toBeLessThan(3000);
    spare.destroy();
  });

  it('has the kit heartbeat', async () => {
    const res = await request(base).get('/ping').expect(200);
    expect(res.text).toBe('.');
  });
});
