#!/usr/bin/env node
// `nest-orchestrator`: tooling that reads an app's pipelines without running the app. Kept out
// of the package's entry points, so no app ever loads it.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { cliMessages } from './cli.messages.js';
import { dashboards } from './dashboards.command.js';
import { diagram } from './diagram.command.js';

async function main(argv: readonly string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      module: { type: 'string', default: 'dist/app.module.js' },
      export: { type: 'string' },
      out: { type: 'string', default: '.' },
      app: { type: 'string' },
      file: { type: 'string' },
      check: { type: 'boolean', default: false },
      boot: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const [command] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(cliMessages.usage);
    return command === undefined && !values.help ? 1 : 0;
  }
  const say = (line: string) => process.stdout.write(`${line}\n`);
  if (command === 'diagram') {
    return diagram(
      {
        module: values.module,
        exportName: values.export,
        boot: values.boot,
        file: values.file,
        check: values.check,
      },
      say,
    );
  }
  if (command !== 'dashboards') throw new Error(cliMessages.unknownCommand(command));
  return dashboards(
    {
      module: values.module,
      exportName: values.export,
      out: values.out,
      appTarget: values.app,
      check: values.check,
      boot: values.boot,
    },
    say,
  );
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(
    `nest-orchestrator: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
}
