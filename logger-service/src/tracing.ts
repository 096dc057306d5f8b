// Imported first by main.ts: OpenTelemetry must hook http, express, undici, grpc-js,
// amqplib, pg and mongodb before anything loads them (README "Observe it").
import { startTracing } from '@ms/service-kit/tracing';

startTracing('logger-service');
