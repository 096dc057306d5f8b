import { randomUUID } from 'node:crypto';
import type { ConfirmChannel, ConsumeMessage, Message, Options } from 'amqplib';

/** Header that matches a returned (unroutable) copy to its publish. */
const PUBLISH_TOKEN_HEADER = 'x-listener-publish-token';

/** RabbitMQ accepted the copy but no queue was bound to take it (e.g. a queue was deleted). */
export class UnroutableError extends Error {
  override name = 'UnroutableError';
}

/**
 * Republishes copies of deliveries (to a retry queue, to the dead-letter exchange) on a
 * confirm channel. A copy counts as placed only when RabbitMQ confirmed it AND did not
 * return it as unroutable: the caller acks the original only then, so no event is lost.
 */
export class CopyPublisher {
  private readonly returned = new Set<string>();

  constructor(private readonly channel: ConfirmChannel) {
    // RabbitMQ sends basic.return before the confirm of the same message.
    channel.on('return', (message: Message) => {
      const token = message.properties.headers?.[PUBLISH_TOKEN_HEADER];
      if (typeof token === 'string') this.returned.add(token);
    });
  }

  /** A persistent copy of `message` with extra headers; resolves once placed in a queue. */
  publishCopy(
    exchange: string,
    routingKey: string,
    message: ConsumeMessage,
    extraHeaders: Record<string, unknown>,
  ): Promise<void> {
    const token = randomUUID();
    const options = copyOptions(message, { ...extraHeaders, [PUBLISH_TOKEN_HEADER]: token });
    return new Promise((resolve, reject) => {
      this.channel.publish(exchange, routingKey, message.content, options, (err) => {
        if (this.returned.delete(token)) {
          reject(
            new UnroutableError(`no queue took the copy sent to "${exchange}" "${routingKey}"`),
          );
        } else if (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        } else {
          resolve();
        }
      });
    });
  }
}

function copyOptions(
  message: ConsumeMessage,
  extraHeaders: Record<string, unknown>,
): Options.Publish {
  const { properties, fields } = message;
  const headers = properties.headers ?? {};
  return {
    persistent: true,
    mandatory: true,
    messageId: properties.messageId,
    correlationId: properties.correlationId,
    contentType: properties.contentType,
    contentEncoding: properties.contentEncoding,
    timestamp: properties.timestamp,
    type: properties.type,
    appId: properties.appId,
    headers: {
      ...headers,
      // Kept from the first delivery: later ones come back from a retry queue.
      'x-original-exchange': headers['x-original-exchange'] ?? fields.exchange,
      'x-original-routing-key': headers['x-original-routing-key'] ?? fields.routingKey,
      ...extraHeaders,
    },
  };
}
