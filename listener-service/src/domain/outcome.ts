import type { LogWrite } from '@ms/service-kit/contracts';

export type DeadLetterReason = 'invalid_json' | 'invalid_shape' | 'rejected' | 'retries_exhausted';

/** What happens to one delivery: stored (then acked), tried again later, or dead-lettered. */
export type Outcome =
  | { kind: 'stored'; entry: LogWrite; duplicate: boolean }
  | { kind: 'retry'; failedAttempts: number; delayMs: number; error: string }
  | DeadOutcome;

export type DeadOutcome = { kind: 'dead'; reason: DeadLetterReason; error: string };
