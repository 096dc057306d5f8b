import { createLogger } from '@ms/service-kit';
import { GrpcLogsClient } from '../../../broker-service/src/grpc/logs-client';
import { JsonRpcPool } from '../../../broker-service/src/rpc/json-rpc-pool';
import { closedLoop } from '../load/closed-loop';
import { httpLoad } from '../load/http-load';
import type { LoadResult } from '../load/load-result';
import { measureDbInserts } from '../references/db-insert';
import type { Stack } from '../stack/stack';
import { comparisonRow, failedRow } from './rows';
import { type Row, type Scenario, aroundReference } from './scenario';
import { warmUp } from './warm-up';

const CLIENTS = 50;
const MIN_RATIO_DIRECT = 0.8;
const MIN_RATIO_DB = 1.2;

export type LogTransport = 'http' | 'rpc' | 'grpc';

const rowNames = (via: LogTransport) => ({
  direct: `log via ${via} through the broker (${CLIENTS} clients) vs direct`,
  db: `log via ${via} through the broker (${CLIENTS} clients) vs DB`,
});

/** A load of `durationS` seconds; opens and closes its own clients. */
type Load = (durationS: number) => Promise<LoadResult>;

/**
 * Log writes through the broker over each transport, each against (a) the same transport
 * called directly on the logger, measured before and after it, and (b) the database's
 * own single-insert rate, measured before the first transport and after the last.
 */
export function logWritesScenario(transports: LogTransport[]): Scenario {
  return {
    id: 'logs',
    expectedRows: transports.flatMap((via) => [
      { scenario: rowNames(via).direct, target: `>= ${MIN_RATIO_DIRECT}x` },
      { scenario: rowNames(via).db, target: `>= ${MIN_RATIO_DB}x` },
    ]),
    async run(context) {
      const { options, stack, signal } = context;
      const dbInserts = () =>
        measureDbInserts({
          mongoUrl: stack.infra.mongoUrl,
          database: stack.names.mongoDb,
          callers: CLIENTS,
          durationS: options.referenceDurationS,
          signal,
        });
      const dbRuns: LoadResult[] = [];
      let dbError: unknown;
      const measureDb = async () => {
        try {
          dbRuns.push(await dbInserts());
        } catch (err) {
          dbError ??= err;
        }
      };

      await measureDb();
      const measured: {
        via: LogTransport;
        result?: LoadResult;
        direct?: LoadResult[];
        error?: unknown;
      }[] = [];
      for (const via of transports) {
        try {
          const direct = directLoad(via, stack, signal);
          const broker = brokerLoad(via, stack, signal);
          await warmUp(context, direct, broker);
          const { references, result } = await aroundReference(
            options.referencesTwice,
            () => direct(options.durationS),
            () => broker(options.durationS),
          );
          measured.push({ via, result, direct: references });
        } catch (err) {
          measured.push({ via, error: err });
        }
      }
      if (options.referencesTwice) await measureDb();

      return measured.flatMap(({ via, result, direct, error }): Row[] => {
        const names = rowNames(via);
        if (!result || !direct) {
          return [
            failedRow(names.direct, `>= ${MIN_RATIO_DIRECT}x`, error),
            failedRow(names.db, `>= ${MIN_RATIO_DB}x`, error),
          ];
        }
        return [
          comparisonRow({
            scenario: names.direct,
            result,
            referenceLabel: `logger ${directLabel(via, stack)} directly`,
            references: direct,
            minRatio: MIN_RATIO_DIRECT,
          }),
          dbRuns.length === 0
            ? failedRow(names.db, `>= ${MIN_RATIO_DB}x`, dbError)
            : comparisonRow({
                scenario: names.db,
                result,
                referenceLabel: `DB insertOne x${CLIENTS} (mongodb driver)`,
                references: dbRuns,
                minRatio: MIN_RATIO_DB,
              }),
        ];
      });
    },
  };
}

function directLabel(via: LogTransport, stack: Stack): string {
  switch (via) {
    case 'http':
      return 'HTTP POST /log';
    case 'rpc':
      return `JSON-RPC LogInfo (${stack.effective.rpcPoolSize} TCP connections)`;
    case 'grpc':
      return 'gRPC WriteLog (1 connection)';
  }
}

function brokerLoad(via: LogTransport, stack: Stack, signal: AbortSignal): Load {
  const body = {
    action: 'log',
    via,
    log: { name: `${stack.names.runId}_via_${via}`, data: 'bench' },
  };
  return (durationS) =>
    httpLoad({
      url: `${stack.urls.broker}/handle`,
      method: 'POST',
      body,
      connections: CLIENTS,
      durationS,
      expectStatus: 202,
      signal,
    });
}

/** The same transport called directly on the logger, with as many connections as the broker keeps. */
function directLoad(via: LogTransport, stack: Stack, signal: AbortSignal): Load {
  const entry = { name: `${stack.names.runId}_direct_${via}`, data: 'bench' };
  switch (via) {
    case 'http':
      return (durationS) =>
        httpLoad({
          url: `${stack.urls.logger}/log`,
          method: 'POST',
          body: entry,
          connections: CLIENTS,
          durationS,
          expectStatus: 202,
          signal,
        });
    case 'rpc':
      // The broker's own client code (same pool size), called directly on the logger.
      return async (durationS) => {
        const pool = new JsonRpcPool({
          host: '127.0.0.1',
          port: stack.ports.loggerRpc,
          size: stack.effective.rpcPoolSize,
          serviceName: 'logger service',
          logger: createLogger('bench', { level: 'silent' }),
        });
        await pool.warmUp(5000);
        try {
          return await closedLoop({ callers: CLIENTS, durationS, signal }, async () => {
            const result = await pool.call('LogInfo', entry, 10_000);
            if (typeof result !== 'string') throw new Error('LogInfo answered without a result');
          });
        } finally {
          pool.close();
        }
      };
    case 'grpc':
      return async (durationS) => {
        const client = new GrpcLogsClient({
          address: `127.0.0.1:${stack.ports.loggerGrpc}`,
          timeoutMs: 10_000,
        });
        try {
          return await closedLoop({ callers: CLIENTS, durationS, signal }, async () => {
            await client.writeLog(entry);
          });
        } finally {
          client.close();
        }
      };
  }
}
