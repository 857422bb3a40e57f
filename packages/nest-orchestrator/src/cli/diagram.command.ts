import { readFile, writeFile } from 'node:fs/promises';
import { pipelinesMarkdown, spliceDiagrams } from '../diagrams/pipelines-markdown.js';
import { cliMessages } from './cli.messages.js';
import { loadAppPipelines, type AppModuleOptions } from './load-pipelines.js';

export interface DiagramOptions extends AppModuleOptions {
  /** A Markdown file holding the diagrams' markers; without it, the diagrams go to stdout. */
  readonly file?: string;
  readonly check: boolean;
}

/**
 * Prints every pipeline as a Mermaid flowchart, or writes them between the markers of a
 * Markdown file (with `check`, only compares); the exit code.
 */
export async function diagram(
  options: DiagramOptions,
  say: (line: string) => void,
): Promise<number> {
  const pipelines = await loadAppPipelines(options, say);
  const markdown = pipelinesMarkdown(pipelines);
  if (options.file === undefined) {
    if (options.check) throw new Error(cliMessages.checkNeedsFile);
    say(markdown);
    return 0;
  }
  const current = await readFile(options.file, 'utf8').catch(() => {
    throw new Error(cliMessages.diagramFileMissing(options.file as string));
  });
  const next = spliceDiagrams(current, markdown);
  if (next === undefined) throw new Error(cliMessages.noDiagramMarkers(options.file));
  if (options.check) {
    if (next === current) {
      say(cliMessages.diagramsUpToDate(options.file, pipelines.length));
      return 0;
    }
    say(cliMessages.diagramsStale(options.file));
    return 1;
  }
  await writeFile(options.file, next);
  say(
    cliMessages.diagramsWritten(
      options.file,
      pipelines.map((pipeline) => pipeline.name),
    ),
  );
  return 0;
}
