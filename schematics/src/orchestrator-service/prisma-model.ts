import type { ServiceNames } from './names.js';

/**
 * The model a `--kind crud` service stores, described once so that schema.prisma and the
 * migration cannot disagree. Prisma's Rust schema engine (which would write the SQL) does not run
 * everywhere, so the SQL is written here in exactly the style `prisma migrate dev` uses.
 */
interface Column {
  name: string;
  prismaType: string;
  attributes: string;
  sql: string;
}

const COLUMNS: readonly Column[] = [
  {
    name: 'id',
    prismaType: 'String',
    attributes: '@id @default(uuid()) @db.Uuid',
    sql: 'UUID NOT NULL',
  },
  { name: 'ownerId', prismaType: 'String', attributes: '@db.Uuid', sql: 'UUID NOT NULL' },
  { name: 'title', prismaType: 'String', attributes: '', sql: 'TEXT NOT NULL' },
  { name: 'amountCents', prismaType: 'Int', attributes: '', sql: 'INTEGER NOT NULL' },
  {
    name: 'createdAt',
    prismaType: 'DateTime',
    attributes: '@default(now())',
    sql: 'TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP',
  },
];

/** Rows of `name type attributes`, aligned in columns the way `prisma format` aligns them. */
function alignFields(rows: string[][]): string[] {
  const widths = [0, 0];
  for (const row of rows) {
    widths[0] = Math.max(widths[0], row[0].length);
    widths[1] = Math.max(widths[1], row[1].length);
  }
  return rows.map((row) =>
    `  ${row[0].padEnd(widths[0])} ${row[1].padEnd(widths[1])} ${row[2] ?? ''}`.trimEnd(),
  );
}

export function modelBlock(names: ServiceNames): string {
  const model = names.singular.pascal;
  const [id, ownerId, ...rest] = COLUMNS;
  const rows = [
    [id.name, id.prismaType, id.attributes],
    [ownerId.name, ownerId.prismaType, ownerId.attributes],
    ['owner', 'User', '@relation(fields: [ownerId], references: [id])'],
    ...rest.map((column) => [column.name, column.prismaType, column.attributes]),
  ];
  return [
    `model ${model} {`,
    ...alignFields(rows),
    '',
    `  // Serves "my ${names.words}, newest first".`,
    '  @@index([ownerId, createdAt])',
    '}',
    '',
  ].join('\n');
}

/** The line range of `model <name> { ... }`, or undefined. */
function findModel(lines: string[], model: string): { start: number; end: number } | undefined {
  const start = lines.findIndex((line) => new RegExp(`^\\s*model\\s+${model}\\s*\\{`).test(line));
  if (start === -1) return undefined;
  const end = lines.findIndex((line, index) => index > start && /^\s*\}/.test(line));
  return end === -1 ? undefined : { start, end };
}

export function hasModel(schema: string, model: string): boolean {
  return findModel(schema.split('\n'), model) !== undefined;
}

const FIELD_LINE = /^\s+(\w+)\s+(\S+)(?:\s+(.*\S))?\s*$/;

function isField(line: string): boolean {
  return FIELD_LINE.test(line) && !/^\s*(\/\/|@@)/.test(line);
}

export function modelHasField(schema: string, model: string, field: string): boolean {
  const lines = schema.split('\n');
  const range = findModel(lines, model);
  if (range === undefined) return false;
  return lines
    .slice(range.start + 1, range.end)
    .some((line) => isField(line) && FIELD_LINE.exec(line)![1] === field);
}

/**
 * Appends the model and gives User the other side of the relation (Prisma requires both),
 * realigning User's fields as `prisma format` would.
 */
export function addModelToSchema(schema: string, names: ServiceNames): string {
  const lines = schema.replace(/\s*$/, '').split('\n');
  const user = findModel(lines, 'User')!;
  let last = user.end - 1;
  while (last > user.start && !isField(lines[last])) last--;
  lines.splice(last + 1, 0, `  ${names.relationField} ${names.singular.pascal}[]`);

  // The run of field lines around the new one is one alignment group.
  let first = last + 1;
  while (first - 1 > user.start && isField(lines[first - 1])) first--;
  let end = last + 1;
  while (end + 1 < lines.length && isField(lines[end + 1])) end++;
  const rows = lines.slice(first, end + 1).map((line) => {
    const [, name, type, attributes] = FIELD_LINE.exec(line)!;
    return [name, type, attributes ?? ''];
  });
  lines.splice(first, rows.length, ...alignFields(rows));

  return `${lines.join('\n')}\n\n${modelBlock(names)}`;
}

export function migrationSql(names: ServiceNames): string {
  const table = names.singular.pascal;
  const definitions = COLUMNS.map((column) => `    "${column.name}" ${column.sql},`);
  return [
    '-- CreateTable',
    `CREATE TABLE "${table}" (`,
    ...definitions,
    '',
    `    CONSTRAINT "${table}_pkey" PRIMARY KEY ("id")`,
    ');',
    '',
    '-- CreateIndex',
    `CREATE INDEX "${table}_ownerId_createdAt_idx" ON "${table}"("ownerId", "createdAt");`,
    '',
    '-- AddForeignKey',
    `ALTER TABLE "${table}" ADD CONSTRAINT "${table}_ownerId_fkey" FOREIGN KEY ("ownerId") ` +
      `REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;`,
    '',
  ].join('\n');
}

const TIMESTAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})_/;

function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

/**
 * Prisma's `YYYYMMDDHHMMSS` (UTC) for now, or one second after the newest existing migration
 * when the clock is behind it: migrations run in name order, and the new one must run last.
 */
export function migrationTimestamp(existing: readonly string[], now: Date): string {
  let next = new Date(Math.floor(now.getTime() / 1000) * 1000);
  for (const name of existing) {
    const match = TIMESTAMP.exec(name);
    if (!match) continue;
    const [, y, mo, d, h, mi, s] = match.map(Number);
    const after = new Date(Date.UTC(y, mo - 1, d, h, mi, s) + 1000);
    if (after > next) next = after;
  }
  return formatTimestamp(next);
}
