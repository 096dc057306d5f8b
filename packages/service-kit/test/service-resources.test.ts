import { ServiceResources } from '../src';

describe('ServiceResources', () => {
  it('closes in the reverse order of opening, once however often stop() is called', async () => {
    const closed: string[] = [];
    const resources = new ServiceResources();
    const pool = resources.add('pool', { name: 'pool' }, (p) => closed.push(p.name));
    resources.onClose('drain', () => closed.push('drain'));
    resources.add('server', 'server', async (s) => {
      await new Promise((r) => setTimeout(r, 10));
      closed.push(s);
    });
    expect(pool.name).toBe('pool');

    await Promise.all([resources.closeAll(), resources.closeAll()]);
    await resources.closeAll();
    expect(closed).toEqual(['server', 'drain', 'pool']);
  });

  it('runs every close when one fails, then rejects naming the first that failed', async () => {
    const closed: string[] = [];
    const resources = new ServiceResources();
    resources.onClose('pool', () => closed.push('pool'));
    resources.onClose('client', () => {
      throw new Error('socket hang up');
    });
    resources.onClose('server', () => closed.push('server'));

    await expect(resources.closeAll()).rejects.toThrow('closing client failed');
    expect(closed).toEqual(['server', 'pool']);
  });

  it('open(): a start-up that fails closes what it had opened, and the error goes on', async () => {
    const closed: string[] = [];
    const failure = new Error('cannot reach the database');
    await expect(
      ServiceResources.open(async (resources) => {
        resources.onClose('pool', () => closed.push('pool'));
        resources.onClose('client', () => closed.push('client'));
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(closed).toEqual(['client', 'pool']);
  });

  it('open(): a start-up that succeeds closes nothing until asked', async () => {
    const closed: string[] = [];
    const service = await ServiceResources.open(async (resources) => {
      resources.onClose('pool', () => closed.push('pool'));
      return { stop: () => resources.closeAll() };
    });
    expect(closed).toEqual([]);
    await service.stop();
    expect(closed).toEqual(['pool']);
  });

  it('serveHttp(): listens on a free port, and the server is closed with the rest', async () => {
    const resources = new ServiceResources();
    const { server, port } = await resources.serveHttp((_req, res) => res.end('ok'), 0);
    expect(port).toBeGreaterThan(0);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');

    await resources.closeAll();
    expect(server.listening).toBe(false);
  });
});
