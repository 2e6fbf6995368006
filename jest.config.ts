import type { Config } from 'jest';

// Two tiers, selected with --selectProjects:
//   unit:        colocated *.spec.ts, no infrastructure, run in parallel;
//   integration: *.int-spec.ts and *.e2e-spec.ts against the real Kafka, SecantusDB and Redis
//                started by infra/local/platform.sh (scripts/test.sh does that first).
const moduleNameMapper = { '^@sp/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts' };
const transform: Config['transform'] = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
};

const config: Config = {
  // Global (jest ignores it per project): generous for integration tests on real infrastructure.
  testTimeout: 120_000,
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/{libs,services,tools,test}/**/*.spec.ts'],
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'integration',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/{libs,services,tools,test}/**/*.{int-spec,e2e-spec}.ts'],
      moduleNameMapper,
      transform,
    },
  ],
};

export default config;
