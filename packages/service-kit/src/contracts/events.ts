import { z } from 'zod';

/** The RabbitMQ contract shared by the broker (publisher) and the listener (consumer). */
export const LOGS_EXCHANGE = 'logs_topic';

export const LOG_SEVERITIES = ['INFO', 'WARNING', 'ERROR'] as const;
export type LogSeverity = (typeof LOG_SEVERITIES)[number];

export const LOG_ROUTING_KEYS = LOG_SEVERITIES.map((severity) => `log.${severity}`);

export function routingKeyFor(severity: LogSeverity): string {
  return `log.${severity}`;
}

/**
 * The topic exchange of log events. The design's name is the default; tests give each
 * file its own, so that one file's events never reach another file's queues.
 */
export const logsExchangeVar = () => z.string().min(1).max(255).default(LOGS_EXCHANGE);
