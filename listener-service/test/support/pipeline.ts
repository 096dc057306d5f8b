import { freePort, requireMongo, requireRabbitMq } from '@ms/testing';
import type { ListenerConfig } from '../../src/config';
import { type ListenerUnderTest, listenerConfig, listenerEnv, startListener } from './listener';
import { TestPublisher, deleteTopology } from './rabbit';
import { RealLogger } from './real-logger';

export interface PipelineOptions {
  /** Listener variables on top of listenerEnv()'s (queue and exchange names of the file's own). */
  env?: Record<string, string>;
  /** How many listeners start before the file's tests (0: the tests start their own). */
  listeners?: number;
  /** false: no logger runs, and the listeners' logger address is a port nothing listens on. */
  withLogger?: boolean;
  /** Runs first in the file's clean-up (e.g. start RabbitMQ again after an outage test). */
  beforeCleanUp?: () => Promise<unknown>;
}

/**
 * One test file's pipeline: a real logger on its own MongoDB database, listeners on the
 * file's own queues, a publisher to its exchange; set up before the file's tests and torn
 * down after them (listeners stopped, queues and exchanges deleted, database dropped).
 */
export class TestPipeline {
  readonly env: Record<string, string>;
  readonly config: ListenerConfig;
  readonly logger = new RealLogger();
  readonly listeners: ListenerUnderTest[] = [];
  private loggerAddress = '';
  private openPublisher: TestPublisher | undefined;

  constructor(private readonly options: PipelineOptions) {
    this.env = listenerEnv(options.env);
    this.config = listenerConfig(this.env);
  }

  /** Where the listeners send events: the real logger, or a closed port. */
  get loggerUrl(): string {
    return this.loggerAddress;
  }

  get publisher(): TestPublisher {
    if (!this.openPublisher) throw new Error('the pipeline is not set up yet');
    return this.openPublisher;
  }

  /** The first listener. */
  get listener(): ListenerUnderTest {
    const [first] = this.listeners;
    if (!first) throw new Error('no listener started');
    return first;
  }

  /** Starts one more listener on the file's queues; stopped with the pipeline. */
  async startListener(overrides: Record<string, string> = {}): Promise<ListenerUnderTest> {
    const listener = await startListener(
      listenerConfig({ ...this.env, LOGGER_SERVICE_URL: this.loggerUrl, ...overrides }),
    );
    this.listeners.push(listener);
    return listener;
  }

  async setUp(): Promise<void> {
    await requireRabbitMq();
    if (this.options.withLogger === false) {
      this.loggerAddress = `http://127.0.0.1:${await freePort()}`;
    } else {
      await requireMongo();
      await this.logger.start();
      this.loggerAddress = this.logger.url;
    }
    for (let i = 0; i < (this.options.listeners ?? 1); i++) await this.startListener();
    this.openPublisher = await TestPublisher.open(this.config.LOGS_EXCHANGE);
  }

  async cleanUp(): Promise<void> {
    await this.options.beforeCleanUp?.();
    for (const listener of this.listeners) await listener.stop(); // stop() is idempotent
    await this.openPublisher?.close();
    await deleteTopology(this.config);
    if (this.options.withLogger !== false) await this.logger.dispose();
  }
}

/** A TestPipeline set up in beforeAll and cleaned up in afterAll of the calling file. */
export function usePipeline(options: PipelineOptions = {}): TestPipeline {
  const pipeline = new TestPipeline(options);
  beforeAll(() => pipeline.setUp());
  afterAll(() => pipeline.cleanUp());
  return pipeline;
}
