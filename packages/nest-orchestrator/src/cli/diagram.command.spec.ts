import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIAGRAMS_END, DIAGRAMS_START } from '../diagrams/pipelines-markdown.js';
import { diagram } from './diagram.command.js';

const module = fileURLToPath(new URL('./fixtures/app.module.ts', import.meta.url));

describe('nest-orchestrator diagram', () => {
  let dir: string;
  let lines: string[];
  const say = (line: string) => lines.push(line);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'diagram-'));
    lines = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints each pipeline as a Mermaid flowchart without starting the app', async () => {
    expect(await diagram({ module, check: false }, say)).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('#### quotes\n\nPrices a quote\n\n```mermaid\nflowchart LR');
    expect(lines[0]).toContain('  op0 --> op1');
  });

  it('writes between the markers of a file, and --check passes on it, then catches drift', async () => {
    const file = join(dir, 'README.md');
    writeFileSync(file, `# App\n\n${DIAGRAMS_START}\n${DIAGRAMS_END}\n`);
    expect(await diagram({ module, file, check: true }, say)).toBe(1);
    expect(lines.pop()).toContain('differ from the pipelines');

    expect(await diagram({ module, file, check: false }, say)).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('```mermaid');
    expect(await diagram({ module, file, check: true }, say)).toBe(0);

    writeFileSync(file, readFileSync(file, 'utf8').replace('op0 --> op1', 'op1 --> op0'));
    expect(await diagram({ module, file, check: true }, say)).toBe(1);
  });

  it('says where the markers go when a file has none', async () => {
    const file = join(dir, 'README.md');
    writeFileSync(file, '# App\n');
    await expect(diagram({ module, file, check: false }, say)).rejects.toThrow(
      `${file} has no <!-- nest-orchestrator:diagrams:start --> and <!-- nest-orchestrator:diagrams:end --> markers`,
    );
  });
});
