// One jest run over every workspace. Tests live in each workspace's test/ folder;
// files named *.outage.test.ts stop or restart shared infrastructure and are run
// separately, one at a time, by project/scripts/test.sh; *.docker.test.ts need a Docker
// engine and run only through `make test-images` (project/images/test.sh).
const path = require('node:path');

const workspaces = [
  'packages/service-kit',
  'packages/testing',
  'authentication-service',
  'logger-service',
  'mail-service',
  'listener-service',
  'broker-service',
  'front-end',
  'project',
];

const kitSrc = path.join(__dirname, 'packages/service-kit/src');

module.exports = {
  testTimeout: 30000,
  projects: workspaces.map((dir) => ({
    displayName: path.basename(dir),
    rootDir: path.join(__dirname, dir),
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/', '\\.docker\\.test\\.ts$'],
    transform: {
      // Transpile only (isolatedModules): type errors are tsc's job in `npm run typecheck`.
      '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.jest.json') }],
    },
    moduleNameMapper: {
      '^@ms/service-kit$': path.join(kitSrc, 'index.ts'),
      '^@ms/service-kit/(contracts|clients|amqp|grpc|gob|tracing)$': path.join(
        kitSrc,
        '$1/index.ts',
      ),
      '^@ms/testing$': path.join(__dirname, 'packages/testing/src/index.ts'),
    },
  })),
};
