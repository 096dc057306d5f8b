import { authScenario } from './auth';
import { type LogTransport, logWritesScenario } from './log-writes';
import { mailScenario } from './mail';
import { pingScenario } from './ping';
import { pipelineScenario } from './pipeline';
import type { Scenario } from './scenario';

/** The selected scenarios (ids from options.ts), in the order they run. */
export function scenariosFor(ids: string[]): Scenario[] {
  const scenarios: Scenario[] = [];
  if (ids.includes('pipeline')) scenarios.push(pipelineScenario);
  const transports = (['http', 'rpc', 'grpc'] as LogTransport[]).filter((via) =>
    ids.includes(`log-${via}`),
  );
  if (transports.length) scenarios.push(logWritesScenario(transports));
  if (ids.includes('auth')) scenarios.push(authScenario);
  if (ids.includes('mail')) scenarios.push(mailScenario);
  if (ids.includes('ping')) scenarios.push(pingScenario);
  return scenarios;
}
