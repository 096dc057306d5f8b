import { type Server, createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** A span as an OTLP/HTTP protobuf export carried it (the fields the tests look at). */
export interface ReceivedSpan {
  service: string;
  scope: string;
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  kind: 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  attributes: Record<string, string | number | boolean>;
  links: { traceId: string; spanId: string }[];
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

/**
 * An OTLP/HTTP receiver in the test process (POST /v1/traces, http/protobuf, as the
 * services' exporter sends): it decodes what arrives and keeps the spans, so a test can
 * check the shape of traces made by services running as separate processes.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** TCP connections accepted: proof that something dialled the receiver. */
  connections = 0;
  requests = 0;
  private readonly server: Server;
  private port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.requests++;
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        if (req.method === 'POST' && req.url === '/v1/traces') {
          try {
            this.spans.push(...decodeExportTraceServiceRequest(body));
          } catch {
            res.writeHead(400).end();
            return;
          }
        }
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    this.server.on('connection', () => {
      this.connections++;
    });
  }

  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this.endpoint;
  }

  /** For OTEL_EXPORTER_OTLP_ENDPOINT. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

// ---- a minimal protobuf reader for ExportTraceServiceRequest --------------------------

interface Field {
  number: number;
  /** varint / fixed values as bigint; length-delimited as bytes. */
  value: bigint | Buffer;
}

function readVarint(buf: Buffer, offset: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  let pos = offset;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const byte = buf[pos++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, next] = readVarint(buf, pos);
    pos = next;
    const number = Number(key >> 3n);
    switch (Number(key & 7n)) {
      case 0: {
        const [value, after] = readVarint(buf, pos);
        out.push({ number, value });
        pos = after;
        break;
      }
      case 1:
        out.push({ number, value: buf.readBigUInt64LE(pos) });
        pos += 8;
        break;
      case 2: {
        const [length, after] = readVarint(buf, pos);
        const end = after + Number(length);
        out.push({ number, value: buf.subarray(after, end) });
        pos = end;
        break;
      }
      case 5:
        out.push({ number, value: BigInt(buf.readUInt32LE(pos)) });
        pos += 4;
        break;
      default:
        throw new Error(`unsupported wire type in field ${number}`);
    }
  }
  return out;
}

const bytesOf = (list: Field[], number: number): Buffer[] =>
  list.filter((f) => f.number === number && Buffer.isBuffer(f.value)).map((f) => f.value as Buffer);
const first = (list: Field[], number: number): Buffer | undefined => bytesOf(list, number)[0];
const text = (list: Field[], number: number): string => first(list, number)?.toString('utf8') ?? '';
const hex = (list: Field[], number: number): string => first(list, number)?.toString('hex') ?? '';
const int = (list: Field[], number: number): number => {
  const field = list.find((f) => f.number === number && typeof f.value === 'bigint');
  return field ? Number(field.value) : 0;
};

function attributes(list: Field[], number: number): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const keyValue of bytesOf(list, number).map(fields)) {
    const value = first(keyValue, 2);
    if (!value) continue;
    const any = fields(value);
    const [field] = any;
    if (!field) continue;
    if (field.number === 1) out[text(keyValue, 1)] = text(any, 1);
    else if (field.number === 2) out[text(keyValue, 1)] = int(any, 2) === 1;
    else if (field.number === 3) out[text(keyValue, 1)] = int(any, 3);
  }
  return out;
}

export function decodeExportTraceServiceRequest(body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of bytesOf(fields(body), 1).map(fields)) {
    const resource = first(resourceSpans, 1);
    const service = String((resource ? attributes(fields(resource), 1) : {})['service.name'] ?? '');
    for (const scopeSpans of bytesOf(resourceSpans, 2).map(fields)) {
      const scope = first(scopeSpans, 1);
      const scopeName = scope ? text(fields(scope), 1) : '';
      for (const span of bytesOf(scopeSpans, 2).map(fields)) {
        const status = first(span, 15);
        spans.push({
          service,
          scope: scopeName,
          traceId: hex(span, 1),
          spanId: hex(span, 2),
          parentSpanId: hex(span, 4),
          name: text(span, 5),
          kind: KINDS[int(span, 6)] ?? 'unspecified',
          attributes: attributes(span, 9),
          links: bytesOf(span, 13)
            .map(fields)
            .map((link) => ({ traceId: hex(link, 1), spanId: hex(link, 2) })),
          statusCode: status ? int(fields(status), 3) : 0,
        });
      }
    }
  }
  return spans;
}
