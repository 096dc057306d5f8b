import { Writable } from 'node:stream';
import { createLogger, parseConfig } from '@ms/service-kit';
import { eventually, infra, uniqueName } from '@ms/testing';
import { type ListenerConfig, configSchema } from '../../src/config';
import { type RunningListener, start } from '../../src/service';

/** Environment for a listener with queue and exchange names of its own. */
export function listenerEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const queue = uniqueName('listener_test');
  return {
    PORT: '0',
    AMQP_URL: infra().amqpUrl,
    LOGS_EXCHANGE: `${queue}.logs`,
    LISTENER_QUEUE: queue,
    DEAD_LETTER_EXCHANGE: `${queue}.dlx`,
    DEAD_LETTER_QUEUE: `${queue}.dead`,
    MAX_ATTEMPTS: '30',
    RETRY_DELAYS_MS: '100,200,400,800',
    LOGGER_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

export function listenerConfig(env: Record<string, string>): ListenerConfig {
  return parseConfig(configSchema, env);
}

export interface ListenerUnderTest extends RunningListener {
  url: string;
  lines: Record<string, unknown>[];
}

/** The listener, in-process, logging into `lines`. */
export async function startListener(config: ListenerConfig): Promise<ListenerUnderTest> {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const running = await start(config, {
    logger: createLogger('listener-service', { level: config.LOG_LEVEL, destination }),
  });
  return { ...running, url: `http://127.0.0.1:${running.port}`, lines };
}

/** The value of one listener counter from GET /metrics. */
export async function metricValue(url: string, metric: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const pattern = new RegExp(`^${metric}\\{[^}]*${labels}[^}]*\\} (\\S+)$`, 'm');
  const match = pattern.exec(text);
  return match ? Number(match[1]) : 0;
}

/** Waits until a listener counter from GET /metrics reaches at least `count`. */
export async function metricReaches(
  url: string,
  metric: string,
  count: number,
  { timeoutMs = 10_000, what = `${metric} to reach ${count}` } = {},
): Promise<void> {
  await eventually(async () => (await metricValue(url, metric)) >= count, { timeoutMs, what });
}
