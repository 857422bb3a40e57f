import type { PipelineDefinition } from '../interfaces/pipeline-definition.interface.js';
import { pipelineFlowchart } from './pipeline-flowchart.js';

export const DIAGRAMS_START = '<!-- nest-orchestrator:diagrams:start -->';
export const DIAGRAMS_END = '<!-- nest-orchestrator:diagrams:end -->';

/** Every pipeline as a heading, its description and a ```mermaid block, sorted by name. */
export function pipelinesMarkdown(pipelines: readonly PipelineDefinition[]): string {
  return [...pipelines]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((pipeline) =>
      [
        `#### ${pipeline.name}`,
        ...(pipeline.description === undefined ? [] : ['', pipeline.description]),
        '',
        '```mermaid',
        pipelineFlowchart(pipeline),
        '```',
      ].join('\n'),
    )
    .join('\n\n');
}

/**
 * `document` with the text between the two markers replaced by `markdown`; undefined when the
 * document has no (well-ordered) pair of markers.
 */
export function spliceDiagrams(document: string, markdown: string): string | undefined {
  const start = document.indexOf(DIAGRAMS_START);
  const end = document.indexOf(DIAGRAMS_END);
  if (start < 0 || end < start) return undefined;
  return `${document.slice(0, start + DIAGRAMS_START.length)}\n\n${markdown}\n\n${document.slice(end)}`;
}
