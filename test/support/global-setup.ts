// Jest globalSetup: says once per run that the PostgreSQL pass did not happen, so a green run
// on a machine without PostgreSQL is not mistaken for one that covered both back ends.
export default function globalSetup(): void {
  if (!process.env.TEST_DATABASE_URL) {
    process.stdout.write(
      '\ne2e: TEST_DATABASE_URL is not set, so the PostgreSQL run is skipped: ' +
        'the e2e suites run on in-memory PGlite only, and the multi-instance *.pg-e2e-spec.ts ' +
        'suites not at all (.ci/run runs both).\n',
    );
  }
}
