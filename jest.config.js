// Nest 12 ships ES modules only, so Jest runs in ESM mode (see the `test` script).
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  // E2E files boot the app and an embedded database; on 2 busy cores that takes seconds.
  testTimeout: 30_000,
  roots: ['<rootDir>/src', '<rootDir>/test', '<rootDir>/schematics/src'],
  // Says once when the PostgreSQL run is skipped (no TEST_DATABASE_URL).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Sources import siblings as './x.js' (nodenext); Jest must resolve those to the .ts files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/generated/**'],
};
