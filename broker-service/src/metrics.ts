import { type Metrics, createMetrics } from '@ms/service-kit';
import { Counter, Gauge } from 'prom-client';
import {
  BREAKER_STATE_VALUE,
  type BreakerState,
  DOWNSTREAMS,
  type Downstream,
} from './clients/circuit-breaker';

/** The kit's HTTP metrics plus the state of each downstream's circuit breaker. */
export interface BrokerMetrics extends Metrics {
  breakerState: Gauge<'downstream'>;
  breakerRejections: Counter<'downstream'>;
  /** For DownstreamBreaker's onStateChange. */
  breakerStateChanged(downstream: Downstream, state: BreakerState): void;
  /** For DownstreamBreaker's onRejected. */
  breakerRejected(downstream: Downstream): void;
}

export function createBrokerMetrics(): BrokerMetrics {
  const metrics = createMetrics('broker-service');
  const registers = [metrics.registry];
  const breakerState = new Gauge({
    name: 'broker_breaker_state',
    help: 'Circuit breaker state per downstream: 0 closed, 1 half-open (trial call running), 2 open',
    labelNames: ['downstream'],
    registers,
  });
  const breakerRejections = new Counter({
    name: 'broker_breaker_rejections_total',
    help: 'Calls answered 503 without reaching the downstream because its circuit breaker was open',
    labelNames: ['downstream'],
    registers,
  });
  // Every downstream has its series from the start: closed, no rejections.
  for (const downstream of DOWNSTREAMS) {
    breakerState.set({ downstream }, BREAKER_STATE_VALUE.closed);
    breakerRejections.inc({ downstream }, 0);
  }
  return {
    ...metrics,
    breakerState,
    breakerRejections,
    breakerStateChanged: (downstream, state) =>
      breakerState.set({ downstream }, BREAKER_STATE_VALUE[state]),
    breakerRejected: (downstream) => breakerRejections.inc({ downstream }),
  };
}
