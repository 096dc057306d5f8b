import { setTimeout as sleep } from 'node:timers/promises';
import {
  AppError,
  TimeoutError,
  TooManyRequestsError,
  UnauthorizedError,
  UnavailableError,
  UpstreamError,
  ValidationError,
} from '@ms/service-kit';
import {
  type BreakerState,
  CircuitOpenError,
  DownstreamBreaker,
  countsAsFailure,
} from '../../src/clients/circuit-breaker';
import { guardMail } from '../../src/clients/guarded';
import { createBrokerMetrics } from '../../src/metrics';

const COOLDOWN_MS = 150;

/** A breaker over a fake downstream whose next answers the test decides. */
function underTest(options: { failures?: number; cooldownMs?: number } = {}) {
  const transitions: BreakerState[] = [];
  const rejected: string[] = [];
  const breaker = new DownstreamBreaker({
    downstream: 'mail',
    serviceName: 'mail service',
    failures: options.failures ?? 3,
    cooldownMs: options.cooldownMs ?? COOLDOWN_MS,
    callTimeoutMs: 2500,
    onStateChange: (_downstream, state) => transitions.push(state),
    onRejected: (downstream) => rejected.push(downstream),
  });
  let calls = 0;
  const call = (outcome: () => Promise<string>) =>
    breaker.run(() => {
      calls += 1;
      return outcome();
    });
  const fail = (err: unknown = new UnavailableError('mail service unavailable')) =>
    call(() => Promise.reject(err));
  const succeed = () => call(() => Promise.resolve('sent'));
  return { breaker, transitions, rejected, call, fail, succeed, calls: () => calls };
}

async function failTimes(fail: () => Promise<unknown>, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await expect(fail()).rejects.toBeInstanceOf(AppError);
}

describe('countsAsFailure', () => {
  it.each([
    ['unreachable (503)', new UnavailableError('x unavailable'), true],
    ['timed out (504)', new TimeoutError('x timed out'), true],
    ['answered with an error (502)', new UpstreamError('x answered with an error (500)'), true],
    ['a socket error that is no AppError', new Error('read ECONNRESET'), true],
    ['invalid input (400)', new ValidationError('to: must be an email'), false],
    ['bad credentials (401)', new UnauthorizedError(), false],
    ['not found (404)', new AppError(404, 'not found'), false],
    ['rate limited (429)', new TooManyRequestsError(), false],
  ])('%s', (_what, err, counts) => {
    expect(countsAsFailure(err)).toBe(counts);
  });
});

describe('DownstreamBreaker', () => {
  it('passes answers and errors through while closed', async () => {
    const { breaker, succeed, fail } = underTest();
    await expect(succeed()).resolves.toBe('sent');
    const err = new TimeoutError('mail service timed out');
    await expect(fail(err)).rejects.toBe(err);
    expect(breaker.state).toBe('closed');
  });

  it('opens after `failures` failed calls in a row and then refuses at once, without calling', async () => {
    const { breaker, fail, succeed, calls, rejected, transitions } = underTest({
      cooldownMs: 10_000,
    });
    await failTimes(fail, 3);
    expect(breaker.state).toBe('open');
    expect(transitions).toEqual(['open']);

    const started = performance.now();
    const refused = await succeed().catch((err: unknown) => err);
    expect(performance.now() - started).toBeLessThan(50);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(refused).toMatchObject({
      status: 503,
      message: 'mail service unavailable (circuit open, retry in 10 s)',
      retryAfterSeconds: 10,
    });
    expect(calls()).toBe(3);
    expect(rejected).toEqual(['mail']);
    expect(breaker.rejected).toBe(1);
    expect(breaker.describe()).toEqual({ state: 'open', retryInMs: expect.any(Number) });
    expect(breaker.retryInMs).toBeGreaterThan(9_000);
  });

  it('never opens on 4xx answers, and a 4xx ends a run of failures', async () => {
    const { breaker, fail } = underTest();
    for (let i = 0; i < 20; i++) {
      await expect(fail(new UnauthorizedError())).rejects.toBeInstanceOf(UnauthorizedError);
      await expect(fail(new ValidationError('subject: no CR/LF'))).rejects.toMatchObject({
        status: 400,
      });
    }
    expect(breaker.state).toBe('closed');
    await failTimes(fail, 2);
    await expect(fail(new TooManyRequestsError())).rejects.toMatchObject({ status: 429 });
    await failTimes(fail, 2);
    expect(breaker.state).toBe('closed');
    await failTimes(fail, 1);
    expect(breaker.state).toBe('open');
  });

  it('a success ends a run of failures', async () => {
    const { breaker, fail, succeed } = underTest();
    await failTimes(fail, 2);
    await succeed();
    await failTimes(fail, 2);
    expect(breaker.state).toBe('closed');
  });

  it('after the cool-down lets one trial through, refuses the others meanwhile, and closes on its success', async () => {
    const { breaker, fail, call, succeed, calls, transitions } = underTest();
    await failTimes(fail, 3);
    await expect(succeed()).rejects.toBeInstanceOf(CircuitOpenError);
    await sleep(COOLDOWN_MS + 20);

    let answerTrial!: (value: string) => void;
    const trial = call(() => new Promise<string>((resolve) => (answerTrial = resolve)));
    expect(breaker.state).toBe('half-open');
    const whileTrial = await succeed().catch((err: unknown) => err);
    expect(whileTrial).toBeInstanceOf(CircuitOpenError);
    expect((whileTrial as Error).message).toBe(
      'mail service unavailable (circuit half-open, retry in 3 s)',
    );
    expect(calls()).toBe(4);

    answerTrial('sent');
    await expect(trial).resolves.toBe('sent');
    expect(breaker.state).toBe('closed');
    expect(breaker.describe()).toEqual({ state: 'closed' });
    await expect(succeed()).resolves.toBe('sent');
    expect(transitions).toEqual(['open', 'half-open', 'closed']);
  });

  it('a failed trial opens it again for another cool-down', async () => {
    const { breaker, fail, succeed, transitions } = underTest();
    await failTimes(fail, 3);
    await sleep(COOLDOWN_MS + 20);
    await expect(fail(new TimeoutError('mail service timed out'))).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(breaker.state).toBe('open');
    await expect(succeed()).rejects.toBeInstanceOf(CircuitOpenError);
    await sleep(COOLDOWN_MS + 20);
    await expect(succeed()).resolves.toBe('sent');
    expect(transitions).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('a trial answered with a 4xx closes it: the downstream answered', async () => {
    const { breaker, fail } = underTest();
    await failTimes(fail, 3);
    await sleep(COOLDOWN_MS + 20);
    await expect(fail(new UnauthorizedError())).rejects.toBeInstanceOf(UnauthorizedError);
    expect(breaker.state).toBe('closed');
  });
});

describe('guarded clients and metrics', () => {
  it('a guarded client answers CircuitOpenError once open; the gauge and counter follow', async () => {
    const metrics = createBrokerMetrics();
    const breaker = new DownstreamBreaker({
      downstream: 'mail',
      serviceName: 'mail service',
      failures: 2,
      cooldownMs: COOLDOWN_MS,
      callTimeoutMs: 1000,
      onStateChange: metrics.breakerStateChanged,
      onRejected: metrics.breakerRejected,
    });
    let sent = 0;
    let down = true;
    const mail = guardMail(
      {
        send: async () => {
          if (down) throw new UnavailableError('mail service unavailable');
          sent += 1;
        },
      },
      breaker,
    );
    const message = { to: 'you@example.com', subject: 's', message: 'm' };
    const value = async (name: string) =>
      (await metrics.registry.getSingleMetric(name)?.get())?.values.find(
        (sample) => sample.labels.downstream === 'mail',
      )?.value;

    expect(await value('broker_breaker_state')).toBe(0);
    expect(await value('broker_breaker_rejections_total')).toBe(0);
    await expect(mail.send(message)).rejects.toBeInstanceOf(UnavailableError);
    await expect(mail.send(message)).rejects.toBeInstanceOf(UnavailableError);
    await expect(mail.send(message)).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(mail.send(message)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(await value('broker_breaker_state')).toBe(2);
    expect(await value('broker_breaker_rejections_total')).toBe(2);

    down = false;
    await sleep(COOLDOWN_MS + 20);
    await mail.send(message);
    expect(sent).toBe(1);
    expect(await value('broker_breaker_state')).toBe(0);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'broker_breaker_state{downstream="logger-grpc",service="broker-service"} 0',
    );
  });
});
