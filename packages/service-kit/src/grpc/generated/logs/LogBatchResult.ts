// Original file: ../../proto/logs.proto


export interface LogBatchResult {
  'status'?: (string);
  'error'?: (string);
}

export interface LogBatchResult__Output {
  'status': (string);
  'error': (string);
}
