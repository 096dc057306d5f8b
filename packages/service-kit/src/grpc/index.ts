// @ms/service-kit/grpc: proto/logs.proto loaded for @grpc/grpc-js, with its generated types.
export * from './logs-proto';
