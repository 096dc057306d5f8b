import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { REPO_ROOT } from '@ms/testing';

/** Where and on what the figures were measured. */
export interface RunInfo {
  date: string;
  cores: number;
  cpu: string;
  node: string;
  commit: string;
  /** 1-minute load average when the run started: the machine is shared. */
  loadAverage: number;
}

export function runInfo(): RunInfo {
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    commit: gitCommit(),
    loadAverage: os.loadavg()[0] ?? 0,
  };
}

function gitCommit(): string {
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    const commit = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') === ''
      ? commit
      : `${commit} (with uncommitted changes)`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
