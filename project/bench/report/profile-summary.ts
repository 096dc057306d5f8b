/**
 * Summarises V8 CPU profiles (`.cpuprofile`, as written by `node --cpu-prof` or
 * BENCH_CPU_PROFILE): self time by package and by function, busiest first.
 *
 *   npx tsx project/bench/report/profile-summary.ts <file-or-folder>... [--top N]
 *
 * A folder is read recursively; every profile in it is added up.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '@ms/testing';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * node_modules/<package> (scoped too), node:internal, or the repository's own workspace
 * (broker-service, packages/service-kit, ...).
 */
export function packageOf(url: string): string {
  if (url === '') return '(native/vm)';
  if (url.startsWith('node:')) return 'node:internal';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [first = '', second = ''] = url.slice(modules + 'node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const [first = '', second = ''] = path.relative(REPO_ROOT, file).split(path.sep);
  if (first === '..' || first === '') return url;
  return first === 'packages' ? `${first}/${second}` : first;
}

export function summarise(profiles: CpuProfile[]): {
  totalMs: number;
  byPackage: Map<string, number>;
  byFunction: Map<string, number>;
} {
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  const add = (map: Map<string, number>, key: string, ms: number) =>
    map.set(key, (map.get(key) ?? 0) + ms);
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    profile.samples.forEach((id, i) => {
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      const frame = nodes.get(id)?.callFrame;
      if (!frame) return;
      totalMs += ms;
      add(byPackage, packageOf(frame.url), ms);
      const where = frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : '';
      add(byFunction, `${frame.functionName || '(anonymous)'} ${where}`.trim(), ms);
    });
  }
  return { totalMs, byPackage, byFunction };
}

function profileFiles(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target).flatMap((entry) => {
    const full = path.join(target, entry);
    if (statSync(full).isDirectory()) return profileFiles(full);
    return entry.endsWith('.cpuprofile') ? [full] : [];
  });
}

function main(argv: string[]): void {
  const targets = [...argv];
  const topAt = targets.indexOf('--top');
  const top = topAt >= 0 ? Number(targets.splice(topAt, 2)[1]) : 25;
  const files = targets.flatMap(profileFiles);
  if (files.length === 0) {
    process.stderr.write('usage: profile-summary.ts <file-or-folder>... [--top N]\n');
    process.exit(2);
  }
  const profiles = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const { totalMs, byPackage, byFunction } = summarise(profiles);
  const print = (title: string, map: Map<string, number>) => {
    process.stdout.write(`\n${title}\n`);
    for (const [key, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      const share = ((100 * ms) / totalMs).toFixed(1).padStart(5);
      process.stdout.write(`${share}%  ${ms.toFixed(0).padStart(7)} ms  ${key}\n`);
    }
  };
  process.stdout.write(`${files.length} profile(s), ${totalMs.toFixed(0)} ms sampled\n`);
  print('self time by package', byPackage);
  print('self time by function', byFunction);
}

if (require.main === module) main(process.argv.slice(2));
