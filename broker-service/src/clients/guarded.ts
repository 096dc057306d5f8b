import type { LogBatchResult, LogEntry, StoredLogEntry } from '@ms/service-kit/contracts';
import type {
  AuthService,
  Credentials,
  LogQuery,
  LogReader,
  LogSearchPage,
  LogSearchQuery,
  LogWriter,
  MailMessage,
  MailService,
  User,
} from '../domain/ports';
import type { DownstreamBreaker } from './circuit-breaker';
import type { BatchCapableLogWriter } from './coalescing-log-writer';

/**
 * The clients behind their circuit breakers: same ports, every call through the
 * downstream's breaker. The domain never sees the breaker, only the 503 it may answer.
 */

export function guardAuth(auth: AuthService, breaker: DownstreamBreaker): AuthService {
  return {
    authenticate: (credentials: Credentials, clientIp?: string): Promise<User> =>
      breaker.run(() => auth.authenticate(credentials, clientIp)),
  };
}

export function guardMail(mail: MailService, breaker: DownstreamBreaker): MailService {
  return { send: (message: MailMessage) => breaker.run(() => mail.send(message)) };
}

export function guardLogWriter(writer: LogWriter, breaker: DownstreamBreaker): LogWriter {
  return { write: (entry: LogEntry) => breaker.run(() => writer.write(entry)) };
}

/**
 * Guards the transport under a CoalescingLogWriter, so the breaker counts calls to the
 * logger (one per batch), not the broker's own queueing ("busy" past its queue limit).
 */
export function guardBatchWriter(
  writer: BatchCapableLogWriter,
  breaker: DownstreamBreaker,
): BatchCapableLogWriter {
  return {
    write: (entry: LogEntry) => breaker.run(() => writer.write(entry)),
    writeMany: (entries: LogEntry[]): Promise<LogBatchResult[]> =>
      breaker.run(() => writer.writeMany(entries)),
  };
}

export function guardLogReader(reader: LogReader, breaker: DownstreamBreaker): LogReader {
  return {
    list: (query: LogQuery): Promise<StoredLogEntry[]> => breaker.run(() => reader.list(query)),
    search: (query: LogSearchQuery): Promise<LogSearchPage> =>
      breaker.run(() => reader.search(query)),
    get: (id: string): Promise<StoredLogEntry> => breaker.run(() => reader.get(id)),
    delete: (id: string): Promise<void> => breaker.run(() => reader.delete(id)),
    deleteAll: (): Promise<void> => breaker.run(() => reader.deleteAll()),
  };
}
