import { httpLoad } from '../load/http-load';
import { startExpressPing } from '../references/express-ping';
import { comparisonRow } from './rows';
import { type Scenario, aroundReference } from './scenario';
import { warmUp } from './warm-up';

const CONNECTIONS = 50;
const NAME = `broker GET /ping (${CONNECTIONS} clients)`;
const MIN_RATIO = 0.75;

/** The broker's cheapest route against a bare Express 5 app with that one route. */
export const pingScenario: Scenario = {
  id: 'ping',
  expectedRows: [{ scenario: NAME, target: `>= ${MIN_RATIO}x` }],
  async run(context) {
    const { stack, signal } = context;
    const app = await startExpressPing(stack.ports.expressReference, stack.logDir);
    try {
      const load = (url: string) => (durationS: number) =>
        httpLoad({ url, connections: CONNECTIONS, durationS, expectStatus: 200, signal });
      const broker = load(`${stack.urls.broker}/ping`);
      const express = load(app.url);
      await warmUp(context, express, broker);
      const { references, result } = await aroundReference(
        context.options.referencesTwice,
        () => express(context.options.durationS),
        () => broker(context.options.durationS),
      );
      return [
        comparisonRow({
          scenario: NAME,
          result,
          referenceLabel: 'bare Express 5 app',
          references,
          minRatio: MIN_RATIO,
        }),
      ];
    } finally {
      await app.stop();
    }
  },
};
