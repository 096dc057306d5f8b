// `project/bench/report/profile-summary.ts`: which package a profiled function belongs to.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '@ms/testing';
import { packageOf } from '../bench/report/profile-summary';

const inRepo = (...parts: string[]) => pathToFileURL(path.join(REPO_ROOT, ...parts)).href;

it.each([
  [inRepo('node_modules/express/lib/router.js'), 'express'],
  [inRepo('node_modules/@opentelemetry/api/build/src/index.js'), '@opentelemetry/api'],
  [inRepo('broker-service/dist/service.js'), 'broker-service'],
  [inRepo('packages/service-kit/dist/errors.js'), 'packages/service-kit'],
  ['node:internal/streams/writable', 'node:internal'],
  ['', '(native/vm)'],
  ['file:///elsewhere/app.js', 'file:///elsewhere/app.js'],
])('%s is counted as %s', (url, expected) => {
  expect(packageOf(url)).toBe(expected);
});
