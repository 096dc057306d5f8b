// The Node versions the project names must agree: CI runs the jest tests on the versions
// of project/infra/node.sh (one per major), package.json's `engines` promises exactly those
// majors, .nvmrc names the newest for developers (and the Dockerfiles, see compose.test.ts),
// and the code is type-checked against the oldest one's API.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');

const nvmrc = read('.nvmrc').trim();
const nodeSh = read('project/infra/node.sh');
const pkg = JSON.parse(read('package.json')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};

/** NODE_TESTED_VERSIONS=(20.20.2 "$NODE_LTS_VERSION") in node.sh, with .nvmrc substituted. */
function testedVersions(): string[] {
  const list = /^NODE_TESTED_VERSIONS=\(([^)]*)\)$/m.exec(nodeSh)?.[1];
  if (!list) throw new Error('project/infra/node.sh has no NODE_TESTED_VERSIONS=(...) line');
  return list.split(/\s+/).map((word) => (word === '"$NODE_LTS_VERSION"' ? nvmrc : word));
}
const majorOf = (version: string) => Number(version.split('.')[0]);

describe('Node versions', () => {
  const tested = testedVersions();
  const testedMajors = tested.map(majorOf);

  it('.nvmrc names one exact version, the newest CI tests', () => {
    expect(nvmrc).toMatch(/^\d+\.\d+\.\d+$/);
    expect(tested).toContain(nvmrc);
    expect(majorOf(nvmrc)).toBe(Math.max(...testedMajors));
  });

  it('CI tests one exact version per major, each with a pinned sha512', () => {
    for (const version of tested) {
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(nodeSh).toMatch(
        new RegExp(`^\\s*\\[${version.replace(/\./g, '\\.')}\\]=sha512-`, 'm'),
      );
    }
    expect(new Set(testedMajors).size).toBe(tested.length);
  });

  it('engines promises exactly the majors CI tests, from a version CI covers', () => {
    const ranges = pkg.engines.node.split('||').map((range) => range.trim());
    expect(ranges.map((range) => Number(/^\^(\d+)/.exec(range)?.[1])).sort()).toEqual(
      [...testedMajors].sort(),
    );
    for (const range of ranges) {
      const floor = range.slice(1).split('.').map(Number);
      const version = tested.find((v) => majorOf(v) === floor[0]) as string;
      const [, minor = 0] = version.split('.').map(Number);
      expect(minor).toBeGreaterThanOrEqual(floor[1] ?? 0);
    }
  });

  it("the code is type-checked against the oldest tested major's API (@types/node)", () => {
    expect(majorOf(pkg.devDependencies['@types/node']?.replace(/^[\^~]/, '') ?? '')).toBe(
      Math.min(...testedMajors),
    );
  });
});
