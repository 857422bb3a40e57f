import { Injectable } from '@nestjs/common';
import { Operation } from './decorators/operation.decorator.js';
import { Pipeline } from './decorators/pipeline.decorator.js';
import type { OperationRun } from './interfaces/operation-run.interface.js';
import type { OrchestratorObserver } from './interfaces/orchestrator-observer.interface.js';
import { nextRunId } from './run-id.js';
import { createPipelineTestingModule, type PipelineTestingApp } from './testing/index.js';

interface Ctx {
  fail?: boolean;
}

@Injectable()
class Seen {
  readonly ids: string[] = [];
}

@Pipeline('run-ids')
class RunIds {
  private tries = 0;
  constructor(private readonly seen: Seen) {}

  @Operation({ compensate: 'undo' })
  reserve(_ctx: Ctx, run: OperationRun) {
    this.seen.ids.push(`reserve ${run.runId}`);
  }

  @Operation({ retry: { attempts: 2, delayMs: 0, jitter: false } })
  charge(ctx: Ctx, run: OperationRun) {
    this.seen.ids.push(`charge#${run.attempt} ${run.runId}`);
    if (this.tries++ % 2 === 0) throw new Error('flaky');
    if (ctx.fail) throw new Error('declined');
  }

  undo(_ctx: Ctx, run: OperationRun) {
    this.seen.ids.push(`undo ${run.runId}`);
  }
}

class IdObserver implements OrchestratorObserver {
  readonly ids: string[] = [];
  onRunStart(_pipeline: unknown, runId: string) {
    this.ids.push(`start ${runId}`);
  }
  onOperationEnd(
    _p: unknown,
    op: { name: string },
    _o: unknown,
    _d: number,
    _e: unknown,
    runId: string,
  ) {
    this.ids.push(`${op.name} ${runId}`);
  }
  onOperationRetry(
    _p: unknown,
    op: { name: string },
    _a: number,
    _d: number,
    _e: unknown,
    runId: string,
  ) {
    this.ids.push(`retry ${op.name} ${runId}`);
  }
  onCompensationEnd(
    _p: unknown,
    op: { name: string },
    _o: unknown,
    _d: number,
    _e: unknown,
    runId: string,
  ) {
    this.ids.push(`undo ${op.name} ${runId}`);
  }
}

describe('run ids', () => {
  let app: PipelineTestingApp<RunIds, Ctx>;
  let seen: Seen;
  const observer = new IdObserver();

  beforeAll(async () => {
    app = await createPipelineTestingModule(RunIds, {
      providers: [Seen],
      orchestrator: { observers: [observer] },
    });
    seen = app.module.get(Seen);
  });
  afterAll(() => app.close());

  it('are a per-process random prefix and a counter', () => {
    const [a, b] = [nextRunId(), nextRunId()];
    expect(a).toMatch(/^[0-9a-f-]{36}-\d+$/);
    expect(b.slice(0, 36)).toBe(a.slice(0, 36));
    expect(Number(b.slice(37))).toBe(Number(a.slice(37)) + 1);
  });

  it('reach every operation, try, compensation and observer hook of one run, and its result', async () => {
    seen.ids.length = 0;
    observer.ids.length = 0;
    const result = await app.run({ fail: true });
    const id = result.runId;
    expect(result.success).toBe(false);
    expect(seen.ids).toEqual([`reserve ${id}`, `charge#1 ${id}`, `charge#2 ${id}`, `undo ${id}`]);
    expect(observer.ids).toEqual([
      `start ${id}`,
      `reserve ${id}`,
      `retry charge ${id}`,
      `charge ${id}`,
      `undo reserve ${id}`,
    ]);
  });

  it('differ from run to run', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await app.run({})).runId);
    expect(ids.size).toBe(5);
  });
});
