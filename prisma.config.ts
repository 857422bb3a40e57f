import { defineConfig } from 'prisma/config';

// `prisma generate` needs no database; `migrate deploy`/`status` (where the schema engine exists)
// read DATABASE_URL. Prisma 7 no longer loads .env itself, so export it in the shell.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL },
});
