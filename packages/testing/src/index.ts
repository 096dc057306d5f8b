export * from './infra';
export * from './processes';
export * from './wait';
export * from './postgres';
export * from './dependencies';
export * from './go-peer';
export * from './otlp-receiver';
export * from './service-process';
