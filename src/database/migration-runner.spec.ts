import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabaseDriver, type DatabaseDriver } from './database-driver.js';
import { DEFAULT_MIGRATIONS_DIR, MigrationRunner } from './migration-runner.js';
import type { SqlConnection } from './sql-connection.js';

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
  applied_steps_count: number;
}

describe('MigrationRunner', () => {
  // One PGlite per file (it takes seconds to start); each test works in its own schema.
  let driver: DatabaseDriver;
  let db: SqlConnection;
  let dir: string;
  let schemaCount = 0;

  const rows = () =>
    db.query<MigrationRow>('SELECT * FROM "_prisma_migrations" ORDER BY "migration_name"');
  const writeMigration = async (name: string, sql: string) => {
    await mkdir(join(dir, name), { recursive: true });
    await writeFile(join(dir, name, 'migration.sql'), sql);
  };
  const tableExists = async (name: string) => {
    const [row] = await db.query<{ found: string | null }>(
      'SELECT to_regclass($1)::text AS found',
      [`"${name}"`],
    );
    return row.found !== null;
  };

  beforeAll(async () => {
    Logger.overrideLogger(false);
    driver = createDatabaseDriver({ pgliteDataDir: 'memory://' });
    db = await driver.withConnection(async (connection) => connection);
    await db.exec('SELECT 1'); // waits for PGlite to start
  }, 30_000);
  afterAll(() => driver.close());

  beforeEach(async () => {
    schemaCount += 1;
    await db.exec(`CREATE SCHEMA test_${schemaCount}; SET search_path TO test_${schemaCount}`);
    dir = await mkdtemp(join(tmpdir(), 'migrations-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("applies the project's migrations and records them exactly like prisma migrate deploy", async () => {
    const runner = new MigrationRunner(DEFAULT_MIGRATIONS_DIR);
    const files = await runner.load();
    expect(files.length).toBeGreaterThan(0);

    await expect(runner.migrate(db)).resolves.toEqual(files.map((file) => file.name));

    const recorded = await rows();
    expect(recorded).toHaveLength(files.length);
    for (const [index, file] of files.entries()) {
      const sha256 = createHash('sha256')
        .update(await readFile(join(DEFAULT_MIGRATIONS_DIR, file.name, 'migration.sql')))
        .digest('hex');
      expect(recorded[index]).toMatchObject({
        migration_name: file.name,
        checksum: sha256,
        logs: null,
        rolled_back_at: null,
        applied_steps_count: 1,
      });
      expect(recorded[index].id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(recorded[index].finished_at!.getTime()).toBeGreaterThanOrEqual(
        recorded[index].started_at.getTime(),
      );
    }
    expect(await tableExists('User')).toBe(true);
  });

  it('applies nothing the second time', async () => {
    await writeMigration('20240101000000_first', 'CREATE TABLE "A" ("id" INTEGER);');
    const runner = new MigrationRunner(dir);

    expect(await runner.migrate(db)).toEqual(['20240101000000_first']);
    expect(await runner.migrate(db)).toEqual([]);
    expect(await rows()).toHaveLength(1);
  });

  it('runs migrations in name order and only the new ones later', async () => {
    await writeMigration('20240102000000_add_column', 'ALTER TABLE "A" ADD COLUMN "b" TEXT;');
    await writeMigration('20240101000000_create', 'CREATE TABLE "A" ("id" INTEGER);');
    const runner = new MigrationRunner(dir);
    expect(await runner.migrate(db)).toEqual([
      '20240101000000_create',
      '20240102000000_add_column',
    ]);

    await writeMigration('20240103000000_more', 'CREATE TABLE "B" ("id" INTEGER);');
    expect(await runner.pending(db)).toEqual(['20240103000000_more']);
    expect(await runner.migrate(db)).toEqual(['20240103000000_more']);
    expect(await tableExists('B')).toBe(true);
  });

  it('refuses to run when an applied migration file was edited', async () => {
    await writeMigration('20240101000000_create', 'CREATE TABLE "A" ("id" INTEGER);');
    const runner = new MigrationRunner(dir);
    await runner.migrate(db);

    await writeMigration('20240101000000_create', 'CREATE TABLE "A" ("id" BIGINT);');
    await writeMigration('20240102000000_next', 'CREATE TABLE "B" ("id" INTEGER);');

    const changed =
      /Migration 20240101000000_create is already applied, but .*migration\.sql has changed/;
    await expect(runner.migrate(db)).rejects.toThrow(changed);
    await expect(runner.pending(db)).rejects.toThrow(changed);
    expect(await tableExists('B')).toBe(false);
  });

  it('rolls a failing migration back entirely and records nothing for it', async () => {
    await writeMigration('20240101000000_ok', 'CREATE TABLE "A" ("id" INTEGER);');
    await writeMigration(
      '20240102000000_broken',
      'CREATE TABLE "B" ("id" INTEGER);\nINSERT INTO "Missing" VALUES (1);',
    );
    const runner = new MigrationRunner(dir);

    await expect(runner.migrate(db)).rejects.toThrow(
      /Migration 20240102000000_broken failed and was rolled back.*"Missing"/,
    );
    expect(await tableExists('A')).toBe(true);
    expect(await tableExists('B')).toBe(false);
    expect((await rows()).map((row) => row.migration_name)).toEqual(['20240101000000_ok']);
  });

  it('refuses a database where a migration is recorded as failed', async () => {
    await writeMigration('20240101000000_create', 'CREATE TABLE "A" ("id" INTEGER);');
    const runner = new MigrationRunner(dir);
    await runner.migrate(db);
    await db.exec('UPDATE "_prisma_migrations" SET "finished_at" = NULL');

    await expect(runner.migrate(db)).rejects.toThrow(/20240101000000_create is recorded as failed/);
  });

  it('reports an unmigrated database with the command that fixes it', async () => {
    await writeMigration('20240101000000_create', 'CREATE TABLE "A" ("id" INTEGER);');
    const runner = new MigrationRunner(dir);

    expect(await runner.pending(db)).toEqual(['20240101000000_create']);
    await expect(runner.assertUpToDate(db)).rejects.toThrow(
      'The database is missing 1 migration(s): 20240101000000_create. Run `npm run db:migrate`',
    );
    await runner.migrate(db);
    await expect(runner.assertUpToDate(db)).resolves.toBeUndefined();
  });
});
