// Original file: ../../proto/logs.proto

import type { LogBatchResult as _logs_LogBatchResult, LogBatchResult__Output as _logs_LogBatchResult__Output } from '../logs/LogBatchResult';

export interface LogBatchResponse {
  'results'?: (_logs_LogBatchResult)[];
}

export interface LogBatchResponse__Output {
  'results': (_logs_LogBatchResult__Output)[];
}
