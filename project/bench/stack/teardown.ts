type Step = () => Promise<unknown> | unknown;

/**
 * What the run must undo, undone in reverse order of registration, each step on its own
 * (a failing step is reported and the rest still run). Runs once, whether the bench
 * finished, failed or was interrupted.
 */
export class Teardown {
  private readonly steps: { name: string; run: Step }[] = [];
  private running: Promise<string[]> | undefined;

  add(name: string, run: Step): void {
    this.steps.push({ name, run });
  }

  /** Resolves with one line per step that failed. */
  run(timeoutPerStepMs = 60_000): Promise<string[]> {
    this.running ??= (async () => {
      const failures: string[] = [];
      for (const { name, run } of [...this.steps].reverse()) {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), timeoutPerStepMs);
        });
        try {
          await Promise.race([Promise.resolve().then(run), deadline]);
        } catch (err) {
          failures.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
        } finally {
          clearTimeout(timer);
        }
      }
      return failures;
    })();
    return this.running;
  }
}
