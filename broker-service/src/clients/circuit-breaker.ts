import { AppError, UnavailableError } from '@ms/service-kit';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  type CircuitBreakerPolicy,
  circuitBreaker,
  handleAll,
} from 'cockatiel';

/** The downstreams the broker guards, as they appear in metrics and /readyz. */
export const DOWNSTREAMS = ['auth', 'mail', 'logger-http', 'logger-rpc', 'logger-grpc'] as const;
export type Downstream = (typeof DOWNSTREAMS)[number];

export type BreakerState = 'closed' | 'half-open' | 'open';

/** As the gauge broker_breaker_state reports it. */
export const BREAKER_STATE_VALUE: Record<BreakerState, number> = {
  closed: 0,
  'half-open': 1,
  open: 2,
};

export interface DownstreamBreakerOptions {
  downstream: Downstream;
  /** In client-facing messages: "mail service unavailable (circuit open, retry in 7 s)". */
  serviceName: string;
  /** Consecutive failed calls that open the breaker. */
  failures: number;
  /** How long it stays open before one trial call goes through. */
  cooldownMs: number;
  /** The longest a trial call can take (the client's own deadline): "retry in" while it runs. */
  callTimeoutMs: number;
  /** Called for every call refused while open or while the trial runs. */
  onRejected?: (downstream: Downstream) => void;
  /** Called on every transition. */
  onStateChange?: (downstream: Downstream, state: BreakerState) => void;
}

/**
 * What says the downstream is failing: no answer (unreachable, refused, timed out) or a
 * 5xx (it answered with an error, or with something that is not a valid answer). A 4xx is
 * an answer from a working service about the request (bad credentials, invalid input, rate
 * limited): it never counts, and like any answer it ends a run of failures.
 */
export function countsAsFailure(err: unknown): boolean {
  if (err instanceof AppError) return err.status >= 500;
  return true;
}

/** A 503 answered without calling the downstream, while its breaker is open. */
export class CircuitOpenError extends UnavailableError {
  constructor(
    serviceName: string,
    state: 'open' | 'half-open',
    readonly retryAfterSeconds: number,
  ) {
    super(`${serviceName} unavailable (circuit ${state}, retry in ${retryAfterSeconds} s)`);
  }
}

/** Carries a 4xx through cockatiel as a success (see countsAsFailure). */
class Answered {
  constructor(readonly error: unknown) {}
}

/**
 * One circuit breaker per downstream (cockatiel's ConsecutiveBreaker): `failures` calls in
 * a row that fail (countsAsFailure) open it; while open, calls are refused at once with
 * CircuitOpenError (503) and never reach the downstream. After `cooldownMs` the next call
 * is the trial: while it runs every other call is refused too; its success closes the
 * breaker, its failure opens it for another cool-down.
 */
export class DownstreamBreaker {
  private readonly policy: CircuitBreakerPolicy;
  private openedAt = 0;
  private rejectedCount = 0;

  constructor(private readonly options: DownstreamBreakerOptions) {
    // Only failures reach cockatiel as errors: run() hands it a 4xx as a value (Answered).
    this.policy = circuitBreaker(handleAll, {
      halfOpenAfter: options.cooldownMs,
      breaker: new ConsecutiveBreaker(options.failures),
    });
    this.policy.onBreak(() => {
      this.openedAt = Date.now();
    });
    this.policy.onStateChange((state) => {
      options.onStateChange?.(options.downstream, toBreakerState(state));
    });
  }

  get downstream(): Downstream {
    return this.options.downstream;
  }

  get state(): BreakerState {
    return toBreakerState(this.policy.state);
  }

  /** Calls refused so far without reaching the downstream. */
  get rejected(): number {
    return this.rejectedCount;
  }

  /** Milliseconds until the next call may go through as the trial (0 when closed). */
  get retryInMs(): number {
    switch (this.state) {
      case 'closed':
        return 0;
      case 'half-open':
        return this.options.callTimeoutMs;
      case 'open':
        return Math.max(0, this.openedAt + this.options.cooldownMs - Date.now());
    }
  }

  /** For /readyz: the state, and while not closed, when a call may go through again. */
  describe(): { state: BreakerState; retryInMs?: number } {
    const state = this.state;
    return state === 'closed' ? { state } : { state, retryInMs: this.retryInMs };
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    // cockatiel queues callers behind a running trial; here they are refused instead, so
    // that only the trial ever waits on a downstream that may still be hung.
    if (this.policy.state === CircuitState.HalfOpen) throw this.reject('half-open');
    let outcome: T | Answered;
    try {
      outcome = await this.policy.execute(async () => {
        try {
          return await call();
        } catch (err) {
          if (countsAsFailure(err)) throw err;
          return new Answered(err);
        }
      });
    } catch (err) {
      if (err instanceof BrokenCircuitError) throw this.reject('open');
      throw err;
    }
    if (outcome instanceof Answered) throw outcome.error;
    return outcome;
  }

  private reject(state: 'open' | 'half-open'): CircuitOpenError {
    this.rejectedCount += 1;
    this.options.onRejected?.(this.options.downstream);
    const seconds = Math.max(1, Math.ceil(this.retryInMs / 1000));
    return new CircuitOpenError(this.options.serviceName, state, seconds);
  }
}

function toBreakerState(state: CircuitState): BreakerState {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.HalfOpen:
      return 'half-open';
    default:
      // Open, or Isolated (held open by hand; the broker never does that).
      return 'open';
  }
}
