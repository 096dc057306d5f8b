import { z } from 'zod';
import { commonConfigShape, envVar, setTogether } from '@ms/service-kit';

/** The logger's environment; defaults are the host addresses of DESIGN.md (`make dev`). */
export const configSchema = z
  .object({
    ...commonConfigShape,
    PORT: envVar.port(8082),
    RPC_PORT: envVar.port(5001),
    GRPC_PORT: envVar.port(50001),
    MONGO_URL: envVar
      .string('mongodb://127.0.0.1:27017')
      .refine((url) => /^mongodb(\+srv)?:\/\//.test(url), 'must start with mongodb://'),
    MONGO_DB: envVar.string('logs'),
    MONGO_USERNAME: z.string().optional(),
    MONGO_PASSWORD: z.string().optional(),
    /** How long a database call may wait for a reachable server before it fails with 503. */
    MONGO_TIMEOUT_MS: envVar.milliseconds(2000),
    /** How long a connected database may take to answer one call (a hung server, not a dead one). */
    MONGO_SOCKET_TIMEOUT_MS: envVar.milliseconds(10_000),
    /** Deadline of one write (single or batch) to the store: 504 past it. Below the broker's 3 s. */
    LOG_WRITE_TIMEOUT_MS: envVar.milliseconds(2500),
    /** Coalescing of single writes into bulk writes: most entries in one insertMany. */
    LOG_COALESCE_MAX_BATCH: envVar.positiveInt(500),
    /** Single writes waiting for a bulk write at most; past it 503 (back-pressure). */
    LOG_COALESCE_MAX_QUEUED: envVar.positiveInt(2000),
    /** Bulk writes of single writes running at once (a second only when a full batch waits). */
    LOG_COALESCE_MAX_FLUSHES: envVar.positiveInt(2),
    /** The log console's search: longest it keeps querying before it answers what it found. */
    LOG_SEARCH_DEADLINE_MS: envVar.milliseconds(1500),
    /** Window queries (up to 200 entries each) one search makes at most. */
    LOG_SEARCH_MAX_WINDOWS: envVar.positiveInt(400),
    /** A text search without `from` looks back this many hours. */
    LOG_SEARCH_TEXT_RANGE_HOURS: envVar.positiveInt(24),
    /** Entries older than this many days are removed; 0 keeps them forever. */
    LOG_RETENTION_DAYS: z.coerce.number().int().min(0).default(30),
    /** Entries kept at most (about: whole groups of 10,000 go); 0 = no limit. */
    LOG_RETENTION_MAX_ENTRIES: z.coerce.number().int().min(0).default(0),
    /** Time between two retention passes (the first runs at start-up). */
    LOG_RETENTION_INTERVAL_MS: envVar.milliseconds(600_000),
  })
  .refine(
    ...setTogether(
      'MONGO_USERNAME',
      'MONGO_PASSWORD',
      'set both MONGO_USERNAME and MONGO_PASSWORD, or neither',
    ),
  );

export type Config = z.infer<typeof configSchema>;
