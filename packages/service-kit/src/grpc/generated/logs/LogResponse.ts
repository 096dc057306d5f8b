// Original file: ../../proto/logs.proto


export interface LogResponse {
  'result'?: (string);
}

export interface LogResponse__Output {
  'result': (string);
}
