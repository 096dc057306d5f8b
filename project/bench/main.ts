/**
 * `make bench`: starts the whole stack from its production builds on the bench's own
 * ports, database, exchange and queues, runs every scenario against its in-run reference,
 * prints one table and writes it to BENCHMARKS.md, then removes everything it created.
 * See project/bench/README.md for the scenarios, the references and the variables.
 */
import { uniqueName } from '@ms/testing';
import { type BenchOptions, loadOptions } from './options';
import { runInfo } from './report/run-info';
import { markdownTable } from './report/table';
import { writeReport } from './report/write-report';
import { scenariosFor } from './scenarios';
import { failedRow } from './scenarios/rows';
import type { Row } from './scenarios/scenario';
import { type Stack, startStack } from './stack/stack';
import { Teardown } from './stack/teardown';

const started = Date.now();
const log = (line: string) => {
  const elapsed = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  console.error(`bench ${elapsed}s  ${line}`);
};

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = loadOptions();
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    return 2;
  }
  const info = runInfo();
  const teardown = new Teardown();
  const controller = new AbortController();
  let stack: Stack | undefined;

  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // Ctrl-C reaches this process twice (from the terminal and relayed by tsx): only a
    // second press, a moment later, means "leave now".
    if (controller.signal.aborted && Date.now() - firstSignalAt < 2000) return;
    if (controller.signal.aborted) {
      log(`${signal} again: killing the services and leaving without clean-up`);
      stack?.processes.forEach((p) => p.killNow());
      process.exit(130);
    }
    log(`${signal}: stopping the load, then the services, then cleaning up`);
    firstSignalAt = Date.now();
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // If the harness dies anyway, it takes its services with it.
  process.on('exit', () => stack?.processes.forEach((p) => p.killNow()));

  const rows: Row[] = [];
  let startError: unknown;
  const runId = uniqueName(options.smoke ? 'benchsmoke' : 'bench');
  log(
    `run ${runId}: ${options.scenarios.join(', ')}; ${options.durationS} s per load run, ` +
      `LOG_LEVEL=${options.logLevel}, ${info.cores} cores, load average ${info.loadAverage.toFixed(2)}`,
  );
  try {
    stack = await startStack(
      {
        runId,
        portBase: options.portBase,
        logLevel: options.logLevel,
        keepLogs: options.keepLogs,
        cpuProfileDir: options.cpuProfileDir,
      },
      teardown,
      log,
    );
    const context = { options, stack, teardown, signal: controller.signal, log };
    for (const scenario of scenariosFor(options.scenarios)) {
      if (controller.signal.aborted) break;
      log(`${scenario.id}: running`);
      try {
        stack.assertAlive();
        const measured = await scenario.run(context);
        rows.push(...measured);
        log(`${scenario.id}: done`);
      } catch (err) {
        stack.keepLogs();
        log(`${scenario.id}: failed: ${err instanceof Error ? err.message : String(err)}`);
        rows.push(...scenario.expectedRows.map((r) => failedRow(r.scenario, r.target, err)));
      }
    }
  } catch (err) {
    startError = err;
    log(`could not start the stack: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    log('stopping the services and removing what the run created');
    const failures = await teardown.run();
    failures.forEach((failure) => log(`clean-up failed: ${failure}`));
    if (!controller.signal.aborted && startError === undefined) {
      const report = { runId, info, options, rows, teardownFailures: failures };
      writeReport(report);
      console.log(`\n${markdownTable(rows)}\n`);
      log(`written to ${options.outputFile}`);
    }
  }
  if (controller.signal.aborted) return 130;
  if (startError !== undefined || rows.some((row) => row.error !== undefined)) return 1;
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
