// Original file: ../../proto/logs.proto

import type { Log as _logs_Log, Log__Output as _logs_Log__Output } from '../logs/Log';

export interface LogBatchEntry {
  'logEntry'?: (_logs_Log | null);
  'eventId'?: (string);
}

export interface LogBatchEntry__Output {
  'logEntry': (_logs_Log__Output | null);
  'eventId': (string);
}
