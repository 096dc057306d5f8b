// @ms/service-kit/contracts: one schema per payload, shared by the service that owns it and
// the broker that forwards it, plus the RabbitMQ names and the log-entry limits.
export * from './credentials';
export * from './events';
export * from './log-entry';
export * from './mail-message';
export * from './user';
