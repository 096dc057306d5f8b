/** The RabbitMQ contract shared by the broker (publisher) and the listener (consumer). */
export const LOGS_EXCHANGE = 'logs_topic';

export const LOG_SEVERITIES = ['INFO', 'WARNING', 'ERROR'] as const;
export type LogSeverity = (typeof LOG_SEVERITIES)[number];

export const LOG_ROUTING_KEYS = LOG_SEVERITIES.map((severity) => `log.${severity}`);

export function routingKeyFor(severity: LogSeverity): string {
  return `log.${severity}`;
}
