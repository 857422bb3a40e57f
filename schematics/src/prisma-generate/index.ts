import type { Rule, SchematicContext, Tree } from '@angular-devkit/schematics';
import { spawnSync } from 'node:child_process';
import { messages } from '../orchestrator-service/messages.js';
import type { PrismaGenerateOptions } from './schema.js';

/** The command, as argv: the app's own script when it has one, else Prisma's CLI. */
export function prismaGenerateCommand(options: PrismaGenerateOptions): [string, string[]] {
  return options.script !== undefined
    ? ['npm', ['run', options.script]]
    : ['npx', ['--no-install', 'prisma', 'generate']];
}

/**
 * Regenerates the Prisma client after orchestrator-service has added a model, so the new
 * repository compiles without a second command. It runs as a post-commit task (RunSchematicTask):
 * the schema is on disk by then, and a dry run never gets here. A failure is reported, not
 * thrown: the files are written and the user can run the command.
 */
export function prismaGenerate(options: PrismaGenerateOptions): Rule {
  return (_tree: Tree, context: SchematicContext) => {
    const [command, args] = prismaGenerateCommand(options);
    const text = [command, ...args].join(' ');
    context.logger.info(`Running \`${text}\`...`);
    const result = spawnSync(command, args, {
      stdio: 'inherit',
      // npm and npx are .cmd scripts on Windows.
      shell: process.platform === 'win32',
    });
    if (result.status !== 0) context.logger.warn(messages.prismaGenerateFailed(text));
  };
}
