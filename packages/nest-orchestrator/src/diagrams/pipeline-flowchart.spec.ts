import { Test } from '@nestjs/testing';
import { Operation, OrchestratorModule, Pipeline, PipelineRegistry } from '../index.js';
import {
  DIAGRAMS_END,
  DIAGRAMS_START,
  pipelinesMarkdown,
  spliceDiagrams,
} from './pipelines-markdown.js';
import { pipelineFlowchart } from './pipeline-flowchart.js';

@Pipeline({ name: 'checkout', description: 'Takes a payment' })
class Checkout {
  @Operation({ compensate: 'refund' })
  charge() {}

  @Operation({ critical: false, timeoutMs: 200, after: ['charge'] })
  'send "receipt"'() {}

  @Operation({ critical: false, after: ['charge'] })
  track() {}

  @Operation({ after: [], retry: { attempts: 3 } })
  audit() {}

  refund() {}
}

async function definitions() {
  const module = await Test.createTestingModule({
    imports: [OrchestratorModule.forRoot({ logFailures: false })],
    providers: [Checkout],
  }).compile();
  await module.init();
  const list = module.get(PipelineRegistry).list();
  await module.close();
  return list;
}

describe('pipeline flowcharts', () => {
  it('draws every after as an arrow, the start, critical and non-critical boxes', async () => {
    const [checkout] = await definitions();
    expect(pipelineFlowchart(checkout)).toBe(
      [
        'flowchart LR',
        '  start(((start)))',
        '  op0["charge<br/>undo: refund"]:::critical',
        '  op1("send #34;receipt#34;<br/>non-critical · 200 ms"):::optional',
        '  op2("track<br/>non-critical"):::optional',
        '  op3["audit<br/>3 tries"]:::critical',
        '  start --> op0',
        '  op0 --> op1',
        '  op0 --> op2',
        '  start --> op3',
        '  classDef critical stroke-width:2px',
        '  classDef optional stroke-dasharray:4 3',
      ].join('\n'),
    );
  });

  it('writes Markdown with a heading, the description and a mermaid block per pipeline', async () => {
    const markdown = pipelinesMarkdown(await definitions());
    expect(
      markdown.startsWith('#### checkout\n\nTakes a payment\n\n```mermaid\nflowchart LR\n'),
    ).toBe(true);
    expect(markdown.endsWith('```')).toBe(true);
  });

  it('replaces only what lies between the markers, and refuses a file without them', () => {
    const document = `# App\n\n${DIAGRAMS_START}\nold\n${DIAGRAMS_END}\n\nrest\n`;
    expect(spliceDiagrams(document, 'new')).toBe(
      `# App\n\n${DIAGRAMS_START}\n\nnew\n\n${DIAGRAMS_END}\n\nrest\n`,
    );
    expect(spliceDiagrams(spliceDiagrams(document, 'new')!, 'new')).toBe(
      spliceDiagrams(document, 'new'),
    );
    expect(spliceDiagrams('# App\n', 'new')).toBeUndefined();
    expect(spliceDiagrams(`${DIAGRAMS_END}\n${DIAGRAMS_START}`, 'new')).toBeUndefined();
  });
});
