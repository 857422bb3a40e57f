// Nest 12 ships ES modules only, so Jest runs in ESM mode (see the `test` script).
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  // E2E files boot the app and an embedded database; on 2 busy cores that takes seconds.
  testTimeout: 30_000,
  roots: [
    '<rootDir>/src',
    '<rootDir>/test',
    '<rootDir>/schematics/src',
    '<rootDir>/packages/nest-orchestrator/src',
  ],
  // Says once when the PostgreSQL run is skipped (no TEST_DATABASE_URL).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // `*.pg-e2e-spec.ts` need a PostgreSQL server shared by several processes: only with one.
  testRegex: process.env.TEST_DATABASE_URL
    ? '.*\\.(spec|e2e-spec|pg-e2e-spec)\\.ts$'
    : '.*\\.(spec|e2e-spec)\\.ts$',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    // The starter imports the package by name; Jest runs its sources, so no build is needed first
    // and the starter and the package's own specs share one copy of every class.
    '^nest-orchestrator$': '<rootDir>/packages/nest-orchestrator/src/index.ts',
    '^nest-orchestrator/(testing|prometheus|http|swagger|inspector)$':
      '<rootDir>/packages/nest-orchestrator/src/$1/index.ts',
    // Sources import siblings as './x.js' (nodenext); Jest must resolve those to the .ts files.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  collectCoverageFrom: [
    '{src,packages/nest-orchestrator/src}/**/*.ts',
    '!**/*.spec.ts',
    '!src/generated/**',
  ],
};
