import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, commonConfigShape, envVar, parseConfig } from '../src';
import { z } from 'zod';

const schema = z.object({
  ...commonConfigShape,
  PORT: envVar.port(8082),
  MONGO_URL: envVar.url('mongodb://127.0.0.1:27017'),
  API_KEY: z.string().min(1),
});

describe('parseConfig', () => {
  it('applies the defaults and coerces numbers', () => {
    const config = parseConfig(schema, { API_KEY: 'k' });
    expect(config).toMatchObject({
      PORT: 8082,
      MONGO_URL: 'mongodb://127.0.0.1:27017',
      LOG_LEVEL: 'info',
    });
    expect(config.CORS_ORIGINS).toEqual(['http://localhost:8000', 'http://127.0.0.1:8000']);
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig(schema, { API_KEY: 'k', PORT: '' }).PORT).toBe(8082);
  });

  it('names a malformed variable and shows what it got', () => {
    expect(() => parseConfig(schema, { API_KEY: 'k', PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => parseConfig(schema, { API_KEY: 'k', PORT: 'eighty' })).toThrow(
      /PORT: .*\(got "eighty"\)/,
    );
    expect(() => parseConfig(schema, { API_KEY: 'k', PORT: '70000' })).toThrow(/PORT/);
  });

  it('names a missing required variable', () => {
    expect(() => parseConfig(schema, {})).toThrow(/API_KEY: is required/);
  });

  it('parses lists and booleans', () => {
    const s = z.object({ ORIGINS: envVar.list(''), SECURE: envVar.boolean(false) });
    expect(parseConfig(s, { ORIGINS: 'http://a, http://b', SECURE: 'yes' })).toEqual({
      ORIGINS: ['http://a', 'http://b'],
      SECURE: true,
    });
    expect(() => parseConfig(s, { SECURE: 'maybe' })).toThrow(/SECURE/);
  });
});

describe('loadConfig in a real process', () => {
  const fixture = path.join(__dirname, 'fixtures/config-exit.ts');
  const tsx = path.join(__dirname, '../../../node_modules/.bin/tsx');
  const run = (env: Record<string, string>) =>
    spawnSync(tsx, [fixture], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });

  it('exits 1 with one line naming the bad variable', () => {
    const result = run({ PORT: 'not-a-port' });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fixture-service: invalid configuration: PORT: /);
    expect(result.stdout).toBe('');
  });

  it('starts with a valid configuration', () => {
    const result = run({ PORT: '9999' });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('port=9999\n');
  });
});
