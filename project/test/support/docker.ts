// The docker CLI for the image tests: every call has a deadline and fails with the end of
// what docker printed, so a failed build or run says why in the test report.
import { execFile } from 'node:child_process';

export interface DockerResult {
  stdout: string;
  stderr: string;
}

const MAX_OUTPUT = 64 * 1024 * 1024;

/** Runs `docker ...args`; rejects on a non-zero exit or after timeoutMs. */
export function docker(
  args: string[],
  { timeoutMs = 60_000, env }: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<DockerResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'docker',
      args,
      { timeout: timeoutMs, maxBuffer: MAX_OUTPUT, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-25).join('\n');
        const why = error.killed ? `timed out after ${timeoutMs / 1000} s` : `exit ${error.code}`;
        reject(new Error(`docker ${args.slice(0, 3).join(' ')} ... failed (${why}):\n${output}`));
      },
    );
  });
}

/** `docker inspect -f '{{json <path>}}'` parsed. */
export async function inspect<T>(name: string, path: string): Promise<T> {
  const { stdout } = await docker(['inspect', '-f', `{{json ${path}}}`, name]);
  return JSON.parse(stdout) as T;
}

/** The last lines a container wrote, for failure messages. */
export async function containerLogTail(name: string, lines = 20): Promise<string> {
  return docker(['logs', '--tail', String(lines), name]).then(
    ({ stdout, stderr }) => `${stdout}${stderr}`.trim(),
    (err: unknown) => `(no logs: ${err instanceof Error ? err.message : String(err)})`,
  );
}
