// Every database error text in one place, written for the person who has to act on it.

export const migrationChanged = (name: string, file: string) =>
  `Migration ${name} is already applied, but ${file} has changed since (checksum mismatch). ` +
  'Applied migrations must not be edited: restore the file and put the change in a new migration.';

export const migrationFailedEarlier = (name: string) =>
  `Migration ${name} is recorded as failed in _prisma_migrations. Fix the database by hand, then ` +
  `mark it rolled back (\`npx prisma migrate resolve --rolled-back ${name}\`, or set rolled_back_at).`;

export const migrationFailed = (name: string, reason: string) =>
  `Migration ${name} failed and was rolled back, nothing from it was applied: ${reason}`;

export const databaseNotMigrated = (pending: string[]) =>
  `The database is missing ${pending.length} migration(s): ${pending.join(', ')}. ` +
  'Run `npm run db:migrate` with the same DATABASE_URL, then start the app again.';

export const databaseUnreachable = (target: string, reason: string) =>
  `Cannot reach the database (${target}): ${reason}`;
