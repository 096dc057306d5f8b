import { connect } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { LOG_NAME_MAX_LENGTH } from '@ms/service-kit/contracts';
import { uniqueName } from '@ms/testing';
import { protoPath as healthProtoPath } from 'grpc-health-check';

import { type GrpcTestClient, grpcOutcome, grpcTestClient } from '../support/grpc-client';
import { listByName, useLoggerWithDatabase } from '../support/logger-under-test';

const system = useLoggerWithDatabase();
let client: GrpcTestClient;

beforeAll(() => {
  client = grpcTestClient(system.logger.grpcPort);
});

afterAll(() => client?.close());

describe('gRPC logs.LogService/WriteLog', () => {
  it('stores an entry that the HTTP listing then returns', async () => {
    const name = uniqueName('grpc');
    const response = await client.writeLog({ logEntry: { name, data: 'hello over gRPC' } });
    expect(response).toEqual({ result: 'logged!' });
    const entries = await listByName(system.logger.baseUrl, name);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ name, data: 'hello over gRPC' });
  });

  it('carries the x-request-id metadata into the log lines', async () => {
    const requestId = uniqueName('req');
    await client.writeLog(
      { logEntry: { name: uniqueName('grpc_rid'), data: 'x' } },
      { 'x-request-id': requestId },
    );
    expect(system.logger.logs.withRequestId(requestId)).toContainEqual(
      expect.objectContaining({ msg: 'grpc call', transport: 'grpc', outcome: 'ok' }),
    );
  });

  it('stores 500 concurrent calls on one client exactly once each', async () => {
    const name = uniqueName('grpc_burst');
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        client.writeLog({ logEntry: { name, data: `call ${i}` } }),
      ),
    );
    expect(results.filter((result) => result.result === 'logged!')).toHaveLength(500);
    expect(await system.database.count({ name })).toBe(500);
    expect(
      new Set((await listByName(system.logger.baseUrl, name)).map((entry) => entry.data)).size,
    ).toBe(500);
  });

  it.each([
    ['an empty name', { logEntry: { name: '', data: 'x' } }],
    ['a blank name', { logEntry: { name: '  ', data: 'x' } }],
    ['an over-long name', { logEntry: { name: 'n'.repeat(LOG_NAME_MAX_LENGTH + 1), data: 'x' } }],
    ['no logEntry', {}],
  ])('answers INVALID_ARGUMENT to %s and stores nothing', async (_, logRequest) => {
    const before = await system.database.count();
    const failure = client.writeLog(logRequest).catch((err: grpc.ServiceError) => err);
    const err = (await failure) as grpc.ServiceError;
    expect(grpc.status[err.code]).toBe('INVALID_ARGUMENT');
    expect(err.details).toMatch(/name|logEntry/);
    expect(await system.database.count()).toBe(before);
  });

  it('keeps serving after garbage bytes on its port', async () => {
    await new Promise<void>((resolve) => {
      const socket = connect({ port: system.logger.grpcPort, host: '127.0.0.1' }, () => {
        socket.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n\x00\x01\x02garbage'));
        socket.write(Buffer.alloc(4096, 0xff));
      });
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
      socket.on('data', () => socket.destroy());
      setTimeout(() => socket.destroy(), 2000);
    });
    const name = uniqueName('grpc_after_garbage');
    expect(await grpcOutcome(client.writeLog({ logEntry: { name, data: 'x' } }))).toBe('OK');
    const fresh = grpcTestClient(system.logger.grpcPort);
    expect(await grpcOutcome(fresh.writeLog({ logEntry: { name, data: 'y' } }))).toBe('OK');
    fresh.close();
    expect(await system.database.count({ name })).toBe(2);
  });

  it('answers the standard gRPC health check', async () => {
    const definition = protoLoader.loadSync(healthProtoPath, { keepCase: true, enums: String });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      grpc: { health: { v1: { Health: typeof grpc.Client } } };
    };
    const healthClient = new loaded.grpc.health.v1.Health(
      `127.0.0.1:${system.logger.grpcPort}`,
      grpc.credentials.createInsecure(),
    ) as grpc.Client & {
      check(
        req: { service: string },
        cb: (err: grpc.ServiceError | null, res?: { status: string }) => void,
      ): void;
    };
    const check = (service: string) =>
      new Promise<string>((resolve, reject) =>
        healthClient.check({ service }, (err, res) =>
          err ? reject(err) : resolve(String(res?.status)),
        ),
      );
    try {
      expect(await check('')).toBe('SERVING');
      expect(await check('logs.LogService')).toBe('SERVING');
    } finally {
      healthClient.close();
    }
  });
});
