import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { infra } from '@ms/testing';
import { handleAtOnce, startBrokerWithoutDownstreams } from '../support/broker-process';

/**
 * No dial per request: many concurrent requests through the broker reuse a bounded set of
 * keep-alive connections to a service. The peer counts the TCP connections it accepted.
 */
it('50 concurrent log requests via HTTP use at most HTTP_POOL_SIZE connections to the logger', async () => {
  let accepted = 0;
  const logger = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    await sleep(20);
    // Concurrent writes arrive as batches (POST /logs/batch), a lone one as POST /log.
    const entries =
      req.url === '/logs/batch' ? (JSON.parse(body) as { entries: unknown[] }).entries : [];
    res.writeHead(req.url === '/logs/batch' ? 200 : 202, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: false,
        message: 'logged',
        data: { results: entries.map(() => ({ status: 'stored' })) },
      }),
    );
  });
  logger.on('connection', () => accepted++);
  await new Promise<void>((resolve) => logger.listen(0, '127.0.0.1', resolve));
  const broker = await startBrokerWithoutDownstreams({
    AMQP_URL: infra().amqpUrl,
    LOGGER_SERVICE_URL: `http://127.0.0.1:${(logger.address() as { port: number }).port}`,
    HTTP_POOL_SIZE: '4',
  });
  try {
    for (let round = 0; round < 2; round++) {
      const statuses = await handleAtOnce(broker.url, 50, (i) => ({
        action: 'log',
        via: 'http',
        log: { name: 'reuse', data: `${round}-${i}` },
      }));
      expect(statuses).toEqual(Array(50).fill(202));
    }
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThanOrEqual(4);
  } finally {
    await broker.stop();
    logger.closeAllConnections();
    await new Promise((resolve) => logger.close(resolve));
  }
});
