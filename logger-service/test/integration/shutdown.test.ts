import { portAccepts, requireMongo, uniqueName } from '@ms/testing';

import { grpcOutcome, grpcTestClient } from '../support/grpc-client';
import { JsonRpcTestClient } from '../support/json-rpc-client';
import { TestDatabase, startLogger, testConfig } from '../support/logger-under-test';

beforeAll(async () => {
  await requireMongo();
});

it('stop() closes the HTTP, JSON-RPC and gRPC servers and their open connections', async () => {
  const config = testConfig();
  const logger = await startLogger(config);
  const database = await TestDatabase.open(config);
  const rpc = await JsonRpcTestClient.connect(logger.rpcPort);
  const grpcClient = grpcTestClient(logger.grpcPort);
  try {
    const name = uniqueName('shutdown');
    expect((await rpc.call('LogInfo', { name, data: 'x' })).result).toBeDefined();
    expect(await grpcOutcome(grpcClient.writeLog({ logEntry: { name, data: 'y' } }))).toBe('OK');

    await logger.stop();

    await rpc.closed;
    for (const port of [logger.httpPort, logger.rpcPort, logger.grpcPort]) {
      expect(await portAccepts(port)).toBe(false);
    }
    expect(await grpcOutcome(grpcClient.writeLog({ logEntry: { name, data: 'z' } }))).toBe(
      'UNAVAILABLE',
    );
    expect(await database.count({ name })).toBe(2);
    // A second stop (SIGTERM after a failed start, say) is harmless.
    await logger.stop();
  } finally {
    rpc.close();
    grpcClient.close();
    await database.drop();
  }
});
