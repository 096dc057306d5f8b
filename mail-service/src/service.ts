import {
  Readiness,
  type RunningService,
  ServiceResources,
  type StartDeps,
  createHttpApp,
} from '@ms/service-kit';
import type { Config } from './config';
import { SmtpMailTransport } from './data/smtp-transport';
import { MailTemplates } from './domain/mail-templates';
import { Mailer } from './domain/mailer';
import { sendRoute } from './http/send-route';

export type ServiceConfig = Omit<Config, 'LOG_LEVEL' | 'SHUTDOWN_TIMEOUT_MS'>;

/**
 * Compiles the templates, creates the one pooled SMTP transport and serves HTTP. It does
 * not wait for the SMTP server: sends answer 503 and /readyz says not ready until it is up.
 */
export function start(config: ServiceConfig, { logger }: StartDeps): Promise<RunningService> {
  return ServiceResources.open(async (resources) => {
    const templates = await MailTemplates.load();
    const smtp = resources.add(
      'smtp pool',
      new SmtpMailTransport({
        host: config.MAIL_HOST,
        port: config.MAIL_PORT,
        encryption: config.MAIL_ENCRYPTION,
        username: config.MAIL_USERNAME,
        password: config.MAIL_PASSWORD,
        clientName: config.MAIL_DOMAIN,
        poolSize: config.MAIL_POOL_SIZE,
        connectionTimeoutMs: config.MAIL_CONNECTION_TIMEOUT_MS,
        greetingTimeoutMs: config.MAIL_GREETING_TIMEOUT_MS,
        socketTimeoutMs: config.MAIL_SOCKET_TIMEOUT_MS,
        sendTimeoutMs: config.MAIL_SEND_TIMEOUT_MS,
      }),
      (transport) => transport.close(),
    );
    const mailer = new Mailer({
      templates,
      transport: smtp,
      sender: { name: config.FROM_NAME, address: config.FROM_ADDRESS },
    });
    const readiness = new Readiness(logger).add('smtp', () => smtp.verify(), 3000);
    const app = createHttpApp({
      service: 'mail-service',
      logger,
      corsOrigins: config.CORS_ORIGINS,
      readiness,
      routes: sendRoute(mailer, logger),
    });
    const { port } = await resources.serveHttp(app, config.PORT);
    logger.info({ port }, 'mail-service listening');
    return { port, stop: () => resources.closeAll() };
  });
}
