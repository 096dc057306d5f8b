import { httpLoad } from '../load/http-load';
import { sampleLatency } from '../load/latency-sampler';
import { measureBcryptCompares } from '../references/bcrypt-compare';
import { comparisonRow, whole } from './rows';
import { type Row, type Scenario, type ScenarioContext, aroundReference } from './scenario';
import { warmUp } from './warm-up';

const CONNECTIONS = 10;
const LOGINS = `auth logins through the broker (${CONNECTIONS} clients)`;
const HEALTHZ = 'auth GET /healthz during the logins';
const MIN_RATIO = 1.7;
const HEALTHZ_PER_SECOND = 20;
const HEALTHZ_MAX_P99_MS = 50;
/** The seeded user; a successful login is never rate-limited (only failures count). */
const CREDENTIALS = { email: 'admin@example.com', password: 'verysecret' };

/**
 * Logins through the broker against one thread of bcryptjs at the service's cost, while
 * /healthz on the authentication service is sampled: hashing must not stall its event loop.
 */
export const authScenario: Scenario = {
  id: 'auth',
  expectedRows: [
    { scenario: LOGINS, target: `>= ${MIN_RATIO}x` },
    { scenario: HEALTHZ, target: `p99 < ${HEALTHZ_MAX_P99_MS} ms` },
  ],
  async run(context) {
    const { stack, signal, options } = context;
    await checkOneLogin(context);
    const cost = stack.effective.bcryptCost;
    const bcryptOneThread = async () => measureBcryptCompares(cost, options.referenceDurationS);
    const logins = (durationS: number) =>
      httpLoad({
        url: `${stack.urls.broker}/handle`,
        method: 'POST',
        body: { action: 'auth', auth: CREDENTIALS },
        connections: CONNECTIONS,
        durationS,
        expectStatus: 202,
        signal,
      });
    await warmUp(context, logins);
    const { references, result } = await aroundReference(
      options.referencesTwice,
      bcryptOneThread,
      async () => {
        const healthz = sampleLatency(`${stack.urls.auth}/healthz`, HEALTHZ_PER_SECOND);
        const login = await logins(options.durationS);
        return { login, healthz: await healthz.stop() };
      },
    );
    const { healthz } = result;
    const healthzRow: Row = {
      scenario: HEALTHZ,
      rate: healthz.rate,
      p50Ms: healthz.p50Ms,
      p99Ms: healthz.p99Ms,
      errors: healthz.errors,
      target: `p99 < ${HEALTHZ_MAX_P99_MS} ms`,
      met: Number.isFinite(healthz.p99Ms) ? healthz.p99Ms < HEALTHZ_MAX_P99_MS : undefined,
      notes: `${HEALTHZ_PER_SECOND} req/s sampled directly on the service (${whole(healthz.ok)} answers)${
        healthz.errors ? `; errors: ${healthz.errorKinds} (a timeout counts as 5,000 ms)` : ''
      }`,
    };
    return [
      comparisonRow({
        scenario: LOGINS,
        result: result.login,
        referenceLabel: `bcryptjs compare, 1 thread, cost ${cost}`,
        references,
        minRatio: MIN_RATIO,
      }),
      healthzRow,
    ];
  },
};

/** The password must be right (a wrong one would be rate-limited, not hashed): say so clearly. */
async function checkOneLogin({ stack }: ScenarioContext): Promise<void> {
  const res = await fetch(`${stack.urls.broker}/handle`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'auth', auth: CREDENTIALS }),
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 202) {
    throw new Error(`a login as ${CREDENTIALS.email} answered ${res.status}: ${await res.text()}`);
  }
}
