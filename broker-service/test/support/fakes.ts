import type { Express } from 'express';
import { createHttpApp, createLogger } from '@ms/service-kit';
import { type LogEntry } from '@ms/service-kit/contracts';
import { Broker } from '../../src/domain/broker';
import type {
  AuthService,
  Credentials,
  EventPublisher,
  LogQuery,
  LogReader,
  LogTransport,
  LogWriters,
  MailMessage,
  MailService,
  User,
} from '../../src/domain/ports';
import type { TokenVerifier } from '../../src/auth/token-verifier';
import { brokerRoutes } from '../../src/http/routes';
import { localVerifier } from './tokens';
import { sampleUser } from './sample-user';

/** Records what the broker asked of its collaborators; each answer can be replaced. */
export class Fakes {
  readonly published: LogEntry[] = [];
  readonly written: { via: LogTransport; entry: LogEntry }[] = [];
  readonly mails: MailMessage[] = [];
  readonly logins: Credentials[] = [];
  readonly queries: LogQuery[] = [];

  authenticate: (credentials: Credentials) => Promise<User> = async (credentials) => ({
    ...sampleUser,
    email: credentials.email,
  });
  sendMail: (mail: MailMessage) => Promise<void> = async () => undefined;
  publish: (entry: LogEntry) => Promise<void> = async () => undefined;
  writeLog: (via: LogTransport, entry: LogEntry) => Promise<string> = async (via) =>
    `written via ${via}`;

  readonly auth: AuthService = {
    authenticate: (credentials) => {
      this.logins.push(credentials);
      return this.authenticate(credentials);
    },
  };
  readonly mail: MailService = {
    send: (mail) => {
      this.mails.push(mail);
      return this.sendMail(mail);
    },
  };
  readonly events: EventPublisher = {
    publish: (entry) => {
      this.published.push(entry);
      return this.publish(entry);
    },
  };
  /** The console's calls that reached the logger: what a refused request must not add to. */
  readonly consoleCalls: string[] = [];
  readonly logReader: LogReader = {
    list: async (query) => {
      this.queries.push(query);
      return [];
    },
    search: async (query) => {
      this.consoleCalls.push(`search ${JSON.stringify(query)}`);
      return { entries: [], next_cursor: null, complete: true, from: null, to: null };
    },
    get: async (id) => {
      this.consoleCalls.push(`get ${id}`);
      return {
        id,
        name: 'n',
        data: 'd',
        event_id: 'e',
        created_at: new Date(0).toISOString(),
        updated_at: new Date(0).toISOString(),
      };
    },
    delete: async (id) => {
      this.consoleCalls.push(`delete ${id}`);
    },
    deleteAll: async () => {
      this.consoleCalls.push('delete all');
    },
  };

  logWriters(): LogWriters {
    const writer = (via: LogTransport) => ({
      write: (entry: LogEntry) => {
        this.written.push({ via, entry });
        return this.writeLog(via, entry);
      },
    });
    return {
      rabbitmq: writer('rabbitmq'),
      http: writer('http'),
      rpc: writer('rpc'),
      grpc: writer('grpc'),
    };
  }
}

export const silentLogger = () => createLogger('broker-service-test', { level: 'silent' });

export function brokerWithFakes(fakes = new Fakes()): { broker: Broker; fakes: Fakes } {
  const broker = new Broker({
    auth: fakes.auth,
    mail: fakes.mail,
    logWriters: fakes.logWriters(),
    logReader: fakes.logReader,
    events: fakes.events,
    logger: silentLogger(),
  });
  return { broker, fakes };
}

export function appWithFakes(
  fakes = new Fakes(),
  verifier: TokenVerifier = localVerifier(),
): { app: Express; broker: Broker; fakes: Fakes } {
  const { broker } = brokerWithFakes(fakes);
  const app = createHttpApp({
    service: 'broker-service',
    logger: silentLogger(),
    routes: brokerRoutes(broker, verifier),
  });
  return { app, broker, fakes };
}
