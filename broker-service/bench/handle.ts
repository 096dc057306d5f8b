/**
 * `npm run bench -w broker-service`: requests per second of POST /handle log, via each
 * transport, with 50 concurrent clients, against a running broker (`make dev`), and the
 * number of TCP connections the broker held to the logger meanwhile (read from `ss`).
 * Not a test: numbers depend on the machine.
 *
 *   BROKER_URL (http://127.0.0.1:8080)  BENCH_CONNECTIONS (50)  BENCH_DURATION_S (10)
 *   LOGGER_PORTS (8082,5001,50001: logger HTTP, JSON-RPC, gRPC)  BENCH_TRANSPORTS (http,rpc,grpc,rabbitmq)
 */
import { execFileSync } from 'node:child_process';
import autocannon from 'autocannon';

const brokerUrl = process.env.BROKER_URL ?? 'http://127.0.0.1:8080';
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const duration = Number(process.env.BENCH_DURATION_S ?? 10);
const [loggerHttp, loggerRpc, loggerGrpc] = (process.env.LOGGER_PORTS ?? '8082,5001,50001')
  .split(',')
  .map(Number);
const transports = (process.env.BENCH_TRANSPORTS ?? 'http,rpc,grpc,rabbitmq').split(',');

/** The pid that listens on the broker's port, so only its connections are counted. */
function brokerPid(): string | undefined {
  const port = new URL(brokerUrl).port || '80';
  const out = ssOutput(['-Htlnp', `sport = :${port}`]);
  return /pid=(\d+)/.exec(out)?.[1];
}

function ssOutput(args: string[]): string {
  try {
    return execFileSync('ss', args, { encoding: 'utf8' });
  } catch {
    return '';
  }
}

/** Established connections from the broker's process to each logger port. */
function connectionsToLogger(pid: string | undefined): Record<string, number> {
  const out = ssOutput(['-Htnp', 'state', 'established']);
  const counts: Record<string, number> = { http: 0, rpc: 0, grpc: 0 };
  for (const line of out.split('\n')) {
    if (pid && !line.includes(`pid=${pid},`)) continue;
    // Recv-Q Send-Q Local:Port Peer:Port users:(...)
    const peer = line.trim().split(/\s+/)[3] ?? '';
    const peerPort = Number(peer.slice(peer.lastIndexOf(':') + 1));
    if (peerPort === loggerHttp) counts.http! += 1;
    else if (peerPort === loggerRpc) counts.rpc! += 1;
    else if (peerPort === loggerGrpc) counts.grpc! += 1;
  }
  return counts;
}

async function run(via: string) {
  const pid = brokerPid();
  const peak: Record<string, number> = { http: 0, rpc: 0, grpc: 0 };
  const sampler = setInterval(() => {
    for (const [port, count] of Object.entries(connectionsToLogger(pid))) {
      peak[port] = Math.max(peak[port] ?? 0, count);
    }
  }, 250);
  const result = await autocannon({
    url: `${brokerUrl}/handle`,
    connections,
    duration,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'log', via, log: { name: 'bench', data: `via ${via}` } }),
  });
  clearInterval(sampler);
  return {
    via,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    '2xx': result['2xx'],
    'non-2xx': result.non2xx,
    errors: result.errors + result.timeouts,
    'logger conns http/rpc/grpc': `${peak.http}/${peak.rpc}/${peak.grpc}`,
  };
}

async function main() {
  const pid = brokerPid();
  console.log(
    `broker ${brokerUrl} (pid ${pid ?? 'unknown: counting every process'}), ${connections} connections, ${duration} s per transport`,
  );
  const rows = [];
  for (const via of transports) rows.push(await run(via));
  console.table(rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
