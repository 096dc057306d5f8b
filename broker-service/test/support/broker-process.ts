import { type Logger, createLogger, parseConfig } from '@ms/service-kit';
import { freePort } from '@ms/testing';
import request from 'supertest';
import { type Config, configSchema } from '../../src/config';
import { type RunningBroker, start } from '../../src/service';

/** Config for an in-process broker: port 0 and whatever a test points it at. */
export function brokerConfig(env: Record<string, string>): Config {
  return parseConfig(configSchema, { PORT: '0', LOG_LEVEL: 'silent', ...env });
}

export interface LogCapture {
  logger: Logger;
  lines: Record<string, unknown>[];
}

/** A logger whose JSON lines the test can read back. */
export function captureLogs(service: string, level = 'info'): LogCapture {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(service, {
    level,
    destination: {
      write: (line: string) => {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  });
  return { logger, lines };
}

/** An in-process broker and its base URL. */
export type BrokerUnderTest = RunningBroker & { url: string };

export async function startBroker(
  env: Record<string, string>,
  logger: Logger = createLogger('broker-service', { level: 'silent' }),
): Promise<BrokerUnderTest> {
  const running = await start(brokerConfig(env), { logger });
  return { ...running, url: `http://127.0.0.1:${running.port}` };
}

/** The broker with nothing listening at its downstream services' addresses, unless `env` names one. */
export async function startBrokerWithoutDownstreams(
  env: Record<string, string>,
): Promise<BrokerUnderTest> {
  const closed = `http://127.0.0.1:${await freePort()}`;
  return startBroker({
    AUTH_SERVICE_URL: closed,
    LOGGER_SERVICE_URL: closed,
    MAIL_SERVICE_URL: closed,
    ...env,
  });
}

/** `count` POST /handle calls to the broker at once, the i-th with body(i): their statuses. */
export async function handleAtOnce(
  url: string,
  count: number,
  body: (i: number) => object,
): Promise<number[]> {
  const responses = await Promise.all(
    Array.from({ length: count }, (_, i) => request(url).post('/handle').send(body(i))),
  );
  return responses.map((response) => response.status);
}
