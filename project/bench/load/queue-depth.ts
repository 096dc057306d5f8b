import amqp from 'amqplib';

/**
 * Polls a queue's ready-message count with checkQueue (the management API is not
 * available): the listener's backlog. A failed check closes its channel; the next poll
 * opens a new one.
 */
export class QueueDepthSampler {
  max = 0;
  latest: number | undefined;
  private channel: amqp.Channel | undefined;
  private busy = false;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly connection: amqp.ChannelModel,
    private readonly queue: string,
    intervalMs: number,
  ) {
    this.timer = setInterval(() => void this.poll(), intervalMs);
  }

  static async start(amqpUrl: string, queue: string, intervalMs = 250): Promise<QueueDepthSampler> {
    const connection = await amqp.connect(amqpUrl, { timeout: 5000 });
    connection.on('error', () => undefined);
    const sampler = new QueueDepthSampler(connection, queue, intervalMs);
    await sampler.poll();
    return sampler;
  }

  /** The ready-message count of any queue, now (undefined if it cannot be read). */
  async depthOf(queue: string): Promise<number | undefined> {
    const channel = await this.connection.createChannel();
    channel.on('error', () => undefined);
    try {
      return (await channel.checkQueue(queue)).messageCount;
    } catch {
      return undefined;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  resetMax(): void {
    this.max = this.latest ?? 0;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.connection.close().catch(() => undefined);
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      if (!this.channel) {
        const channel = await this.connection.createChannel();
        channel.on('error', () => undefined);
        channel.on('close', () => {
          if (this.channel === channel) this.channel = undefined;
        });
        this.channel = channel;
      }
      const { messageCount } = await this.channel.checkQueue(this.queue);
      this.latest = messageCount;
      this.max = Math.max(this.max, messageCount);
    } catch {
      this.latest = undefined;
    } finally {
      this.busy = false;
    }
  }
}
