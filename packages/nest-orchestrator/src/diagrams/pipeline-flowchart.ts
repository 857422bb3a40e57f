import type {
  OperationDefinition,
  PipelineDefinition,
} from '../interfaces/pipeline-definition.interface.js';

/** Mermaid ids must be plain words; names may hold anything, so nodes are numbered. */
const nodeId = (operation: OperationDefinition) => `op${operation.order}`;

/** A label Mermaid shows verbatim: quotes and markup characters become entities. */
function label(text: string): string {
  return text.replace(/[&"<>#]/g, (char) => `#${char.charCodeAt(0)};`);
}

function describe(operation: OperationDefinition): string {
  const lines = [label(operation.name)];
  const facts: string[] = [];
  if (!operation.critical) facts.push('non-critical');
  if (operation.timeoutMs !== undefined) facts.push(`${operation.timeoutMs} ms`);
  if (operation.retry !== undefined) facts.push(`${operation.retry.attempts} tries`);
  if (facts.length > 0) lines.push(facts.join(' · '));
  if (operation.compensate !== undefined) lines.push(`undo: ${label(operation.compensate)}`);
  return lines.join('<br/>');
}

/**
 * One pipeline as a Mermaid flowchart, left to right: an arrow for every `after`, the run's
 * start pointing at what starts with it, critical operations as solid boxes and non-critical
 * ones dashed and rounded. The same definition always gives the same text, so a file holding it
 * can be checked for drift.
 */
export function pipelineFlowchart(pipeline: PipelineDefinition): string {
  const lines = ['flowchart LR', '  start(((start)))'];
  for (const operation of pipeline.operations) {
    const text = `"${describe(operation)}"`;
    lines.push(
      operation.critical
        ? `  ${nodeId(operation)}[${text}]:::critical`
        : `  ${nodeId(operation)}(${text}):::optional`,
    );
  }
  const byName = new Map(pipeline.operations.map((operation) => [operation.name, operation]));
  for (const operation of pipeline.operations) {
    if (operation.after.length === 0) lines.push(`  start --> ${nodeId(operation)}`);
    for (const name of operation.after) {
      lines.push(`  ${nodeId(byName.get(name) as OperationDefinition)} --> ${nodeId(operation)}`);
    }
  }
  lines.push('  classDef critical stroke-width:2px', '  classDef optional stroke-dasharray:4 3');
  return lines.join('\n');
}
