// @ms/service-kit/clients: typed clients of the services' own APIs, one per API, shared by
// every service that calls it.
export * from './logger-http-api';
