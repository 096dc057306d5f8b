// @ms/service-kit: the platform every service runs on (config, logger, HTTP app, errors,
// metrics, readiness, shutdown, retry, timeouts, the sibling-service HTTP client).
// The other entry points, each imported only where needed:
//   @ms/service-kit/contracts  payload schemas, limits and names shared across services
//   @ms/service-kit/clients    typed clients of the services' own APIs (the logger's HTTP API)
//   @ms/service-kit/amqp       the RabbitMQ connection (needs amqplib)
//   @ms/service-kit/grpc       the logs.proto loader (needs @grpc/grpc-js, @grpc/proto-loader)
//   @ms/service-kit/gob        the gob codec of Go's net/rpc
export * from './config';
export * from './errors';
export * from './http-client';
export * from './logger';
export * from './readiness';
export * from './request-context';
export * from './retry';
export * from './shutdown';
export * from './timeout';
export * from './validation';
export * from './write-coalescer';
export * from './http/app';
export * from './http/envelope';
export * from './http/metrics';
export * from './http/server';
export * from './run-service';
export * from './service-resources';
export * from './tracing/context';
