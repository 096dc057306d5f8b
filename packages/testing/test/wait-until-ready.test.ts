import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitUntilReady } from '../src';

describe('waitUntilReady', () => {
  it('resolves once /readyz answers 200, not before', async () => {
    let calls = 0;
    const server = createServer((req, res) => {
      calls += 1;
      res.statusCode = req.url === '/readyz' && calls >= 3 ? 200 : 503;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await waitUntilReady(`http://127.0.0.1:${port}`, { timeoutMs: 5000 });
      expect(calls).toBe(3);
    } finally {
      server.close();
    }
  });

  it('fails at once when the service process has exited, and at its deadline otherwise', async () => {
    await expect(
      waitUntilReady('http://127.0.0.1:1', { child: { exitCode: 1 }, timeoutMs: 5000 }),
    ).rejects.toThrow('service exited 1');
    await expect(waitUntilReady('http://127.0.0.1:1', { timeoutMs: 300 })).rejects.toThrow(
      'not ready after 0.3 s',
    );
  });
});
