// Original file: ../../proto/logs.proto

import type { LogBatchEntry as _logs_LogBatchEntry, LogBatchEntry__Output as _logs_LogBatchEntry__Output } from '../logs/LogBatchEntry';

export interface LogBatchRequest {
  'entries'?: (_logs_LogBatchEntry)[];
}

export interface LogBatchRequest__Output {
  'entries': (_logs_LogBatchEntry__Output)[];
}
