// Every refusal of `nest g orchestrator-service`, in one place. Each names the value it refuses.

const usage = 'nest g orchestrator-service <name>';

export const messages = {
  nameRequired: () => `A name is required: ${usage} (e.g. invoices).`,
  nameNotText: (value: unknown) =>
    `Invalid name "${String(value)}": a name is required and must start with a letter (${usage}).`,
  nameInvalid: (raw: string) =>
    `Invalid name "${raw}": use letters, digits, "-" or "_", starting with a letter ` +
    `(InvoiceItems, invoiceItems, invoice-items and invoice_items all work).`,
  nameTooLong: (raw: string, max: number) =>
    `Invalid name "${raw}": at most ${max} characters, so that table and index names fit PostgreSQL's limit.`,
  nameReserved: (raw: string, word: string) =>
    `Invalid name "${raw}": "${word}" is a reserved word in JavaScript/TypeScript; choose another name.`,
  outsideProject: (option: string, value: string) =>
    `Invalid ${option} "${value}": it must be a relative path inside the source root, without "..".`,
  folderTaken: (folder: string) =>
    `The name is taken: ${folder}/ already exists. Choose another name or remove the folder.`,
  fileTaken: (file: string) => `The name is taken: ${file} already exists.`,
  pipelineTaken: (name: string, where: string) =>
    `The name is taken: a pipeline named "${name}" already exists (${where}).`,
  classTaken: (className: string, where: string) =>
    `The name is taken: a class ${className} already exists (${where}).`,
  modelTaken: (model: string) =>
    `The name is taken: prisma/schema.prisma already has a model ${model}.`,
  relationTaken: (field: string) =>
    `The name is taken: model User in prisma/schema.prisma already has a field ${field}.`,
  migrationTaken: (name: string) =>
    `The name is taken: a migration ending in _${name} already exists in prisma/migrations.`,
  noUserModel: () =>
    '--kind crud needs a model User in prisma/schema.prisma (its rows belong to a user); use --kind compute.',
  noSchema: () =>
    '--kind crud needs prisma/schema.prisma; use --kind compute for a service without a database.',
  noPrisma: () =>
    '--kind crud needs Prisma: @prisma/client (or prisma) in package.json and prisma/schema.prisma; ' +
    'use --kind compute for a service without a database.',
  noPrismaService: () =>
    '--kind crud needs a PrismaService in the app (a prisma.service.ts under the source root) for its ' +
    'repository to inject; use --kind compute.',
  noCurrentUser: () =>
    '--kind crud needs signed-in users: a @CurrentUser() decorator (current-user.decorator.ts) under ' +
    'the source root, since each row belongs to one; use --kind compute.',
  unknownKind: (kind: string) => `Invalid --kind "${kind}": use crud or compute.`,
  computeByDefault: (why: string) =>
    `Writing a compute service (no database). A crud service is not possible here: ${why}`,
  e2eSkipped: (why: string) => `No e2e spec written: ${why}. The unit spec covers each operation.`,
  unknownOperation: (name: string, known: readonly string[]) =>
    `Invalid --critical: there is no operation "${name}" (the operations are ${known.join(', ')}).`,
  unsupportedLanguage: (language: string) =>
    `Only TypeScript is supported (got language "${language}").`,
  importSkipped: (className: string) =>
    `--skip-import: add ${className} to a module's imports yourself; its routes (and e2e spec) need it.`,
  regenerateClient: (model: string, command: string) =>
    `Added model ${model} and its migration; the Prisma client is regenerated (\`${command}\`) ` +
    'once the files are written (not in a dry run).',
  prismaGenerateFailed: (command: string) =>
    `Could not regenerate the Prisma client: run \`${command}\` yourself before compiling.`,
  regenerateDashboards: (pipeline: string, command: string) =>
    `Run \`${command}\` to add the "${pipeline}" pipeline to the Grafana dashboards.`,
  noModuleFound: (folder: string, className: string) =>
    `No module found in ${folder} or above it: add ${className} to a module's imports yourself.`,
};
