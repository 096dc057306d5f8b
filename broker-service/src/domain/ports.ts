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

export interface LogReader {
  list(query: LogQuery): Promise<StoredLogEntry[]>;
}

/** Publishes log events on RabbitMQ; resolves only after the broker confirmed the publish. */
export interface EventPublisher {
  publish(entry: LogEntry): Promise<void>;
}
