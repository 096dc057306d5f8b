import { AppError, type Logger, currentRequestId, errorSummary } from '@ms/service-kit';
import { type LogEntry } from '@ms/service-kit/contracts';
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
} from './ports';

export interface BrokerDeps {
  auth: AuthService;
  mail: MailService;
  logWriters: LogWriters;
  logReader: LogReader;
  /** For the broker's own events (broker_hit, authentication). */
  events: EventPublisher;
  logger: Logger;
}

export const BROKER_HIT_EVENT = 'broker_hit';
export const AUTHENTICATION_EVENT = 'authentication';

/**
 * What the broker does for each action. The broker's own events are side effects of
 * a request, not its result: they are published in the background (tracked, so that
 * shutdown waits for them) and a failure is logged, never turned into the answer.
 */
export class Broker {
  private readonly sideEvents = new Set<Promise<void>>();

  constructor(private readonly deps: BrokerDeps) {}

  /** `what` is e.g. "GET /"; the request id makes one hit findable in the logs. */
  hit(what: string): void {
    const requestId = currentRequestId();
    const data = requestId ? `hit ${what} (request ${requestId})` : `hit ${what}`;
    this.publishSideEvent({ name: BROKER_HIT_EVENT, data });
  }

  async authenticate(credentials: Credentials, clientIp?: string): Promise<User> {
    const email = credentials.email;
    try {
      const user = await this.deps.auth.authenticate(credentials, clientIp);
      this.publishSideEvent({ name: AUTHENTICATION_EVENT, data: `${email} logged in` });
      return user;
    } catch (err) {
      if (err instanceof AppError && err.status === 401) {
        this.publishSideEvent({ name: AUTHENTICATION_EVENT, data: `${email} failed to log in` });
      }
      throw err;
    }
  }

  log(entry: LogEntry, via: LogTransport): Promise<string> {
    return this.deps.logWriters[via].write(entry);
  }

  async mail(mail: MailMessage): Promise<string> {
    await this.deps.mail.send(mail);
    return `Message sent to ${mail.to}`;
  }

  listLogs(query: LogQuery) {
    return this.deps.logReader.list(query);
  }

  /** The console's reads and deletes; the routes have checked the caller's token and role. */
  get logs(): LogReader {
    return this.deps.logReader;
  }

  /** Waits for the side events still in flight (used at shutdown and by tests). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.sideEvents]);
  }

  private publishSideEvent(entry: LogEntry): void {
    const publishing = this.deps.events.publish(entry).catch((err: unknown) => {
      this.deps.logger.warn(
        { event: entry.name, err: errorSummary(err) },
        `could not publish the ${entry.name} event`,
      );
    });
    this.sideEvents.add(publishing);
    void publishing.finally(() => this.sideEvents.delete(publishing));
  }
}
