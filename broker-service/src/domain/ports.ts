import type {
  Credentials,
  LogEntry,
  MailMessage,
  LoginReplyUser,
  StoredLogEntry,
} from '@ms/service-kit/contracts';

/** The collaborators the broker routes to; each is one long-lived client made at start-up. */

export type { Credentials, MailMessage } from '@ms/service-kit/contracts';

/** A user as an authentication service returns it: an id and an email at least, never a password. */
export type User = LoginReplyUser;

export interface AuthService {
  /**
   * Resolves with the user, or throws UnauthorizedError (401) for bad credentials.
   * clientIp is the broker's caller, so the service rate-limits per client, not per broker.
   */
  authenticate(credentials: Credentials, clientIp?: string): Promise<User>;
}

export interface MailService {
  send(mail: MailMessage): Promise<void>;
}

export const LOG_TRANSPORTS = ['rabbitmq', 'http', 'rpc', 'grpc'] as const;
export type LogTransport = (typeof LOG_TRANSPORTS)[number];

/** Writes one log entry by one transport; resolves with the message the client gets. */
export interface LogWriter {
  write(entry: LogEntry): Promise<string>;
}

export type LogWriters = Record<LogTransport, LogWriter>;

export interface LogQuery {
  limit?: number;
  name?: string;
}

/** The console's search, as the logger takes it (already validated by the broker). */
export interface LogSearchQuery {
  name?: string;
  q?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

/** The logger's answer to a search: a page and where the next one starts. */
export interface LogSearchPage {
  entries: StoredLogEntry[];
  next_cursor: string | null;
  complete: boolean;
  stopped_by?: string;
  from: string | null;
  to: string | null;
}

export interface LogReader {
  list(query: LogQuery): Promise<StoredLogEntry[]>;
  search(query: LogSearchQuery): Promise<LogSearchPage>;
  get(id: string): Promise<StoredLogEntry>;
  delete(id: string): Promise<void>;
  deleteAll(): Promise<void>;
}

/** Publishes log events on RabbitMQ; resolves only after the broker confirmed the publish. */
export interface EventPublisher {
  publish(entry: LogEntry): Promise<void>;
}
