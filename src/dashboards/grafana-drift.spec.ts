import { fileURLToPath } from 'node:url';
import { describeDrift, findDrift } from './grafana-drift.js';
import { grafanaFiles } from './grafana-files.js';
import { loadPipelines } from './pipeline-catalog.js';
import type { PipelineDefinition } from '../orchestrator/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('committed grafana/ files', () => {
  let pipelines: readonly PipelineDefinition[];
  beforeAll(async () => {
    pipelines = await loadPipelines();
  });

  it('match what the application registry generates today', async () => {
    expect(pipelines.map((pipeline) => pipeline.name)).toEqual(
      expect.arrayContaining(['create-order', 'cancel-order']),
    );
    const drift = await findDrift(root, grafanaFiles(pipelines));
    // Fails with the list of files to regenerate: `npm run generate:dashboards`.
    expect(describeDrift(drift)).toBeUndefined();
  });

  it('notices a changed, a missing and a stale file', async () => {
    const files = new Map(grafanaFiles(pipelines));
    const [first] = files.keys();
    files.set(first, `${files.get(first)} `);
    files.set('grafana/dashboards/pipeline-new.json', '{}');
    files.delete('grafana/dashboards/pipeline-cancel-order.json');
    expect(await findDrift(root, files)).toEqual({
      changed: [first],
      missing: ['grafana/dashboards/pipeline-new.json'],
      stale: ['grafana/dashboards/pipeline-cancel-order.json'],
    });
  });
});
