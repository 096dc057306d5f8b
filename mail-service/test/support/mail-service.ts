import { createLogger, parseConfig } from '@ms/service-kit';
import { configSchema } from '../../src/config';
import { start } from '../../src/service';

export interface TestMailService {
  url: string;
  stop(): Promise<void>;
}

/** The real service, in-process on a free port, configured as its environment would be. */
export async function startMailService(env: Record<string, string>): Promise<TestMailService> {
  const config = parseConfig(configSchema, { PORT: '0', ...env });
  const service = await start(config, {
    logger: createLogger('mail-service', { level: 'silent' }),
  });
  return { url: `http://127.0.0.1:${service.port}`, stop: service.stop };
}
