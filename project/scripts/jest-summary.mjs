// Sums jest's --json result files per Node major for project/scripts/test.sh.
//   node jest-summary.mjs LABEL=FILE...   e.g. "node 26=test-artifacts/jest-node26-main.json"
// Prints one count line per label and every failed test (or suite that could not run) with
// its label, then, as the last line, the totals "PASSED FAILED" for test.sh to read.
// A missing or unreadable file counts as one failure: jest did not finish.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const root = process.cwd();
const byLabel = new Map();
const failures = [];
let passed = 0;
let failed = 0;

for (const argument of process.argv.slice(2)) {
  const at = argument.lastIndexOf('=');
  const label = argument.slice(0, at);
  const file = argument.slice(at + 1);
  const counts = byLabel.get(label) ?? { passed: 0, failed: 0 };
  byLabel.set(label, counts);
  let result;
  try {
    result = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    counts.failed += 1;
    failures.push(`[${label}] ${path.relative(root, file)}: no results (jest did not finish)`);
    continue;
  }
  counts.passed += result.numPassedTests;
  counts.failed += result.numFailedTests + result.numRuntimeErrorTestSuites;
  for (const suite of result.testResults) {
    const where = path.relative(root, suite.name);
    const failedTests = suite.assertionResults.filter((test) => test.status === 'failed');
    for (const test of failedTests) failures.push(`[${label}] ${where} › ${test.fullName}`);
    if (suite.status === 'failed' && failedTests.length === 0) {
      const reason =
        stripVTControlCharacters(suite.message || '')
          .split('\n')
          .find((line) => line.trim() && !line.includes('Test suite failed to run')) ?? '';
      failures.push(`[${label}] ${where}: the suite could not run: ${reason.trim()}`);
    }
  }
}

for (const [label, counts] of byLabel) {
  console.log(`${label}: ${counts.passed} passed, ${counts.failed} failed`);
  passed += counts.passed;
  failed += counts.failed;
}
for (const line of failures) console.log(`  FAILED ${line}`);
console.log(passed, failed);
