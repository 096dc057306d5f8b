// Original file: ../../proto/logs.proto


export interface Log {
  'name'?: (string);
  'data'?: (string);
}

export interface Log__Output {
  'name': (string);
  'data': (string);
}
