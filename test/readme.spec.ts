import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Test } from '@nestjs/testing';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
// Git-ignored: the README's code block; it imports the package by name, as an app does.
const target = `${root}test/readme/readme-example.generated.ts`;

/** ts-jest only transpiles here, so the example is type-checked with the project's own settings. */
function typeErrors(file: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    `${root}tsconfig.json`,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  const program = ts.createProgram([file], { ...config?.options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

async function extractExample(): Promise<string> {
  const readme = await readFile(`${root}README.md`, 'utf8');
  const block =
    /<!-- readme-example:start -->\s*```ts\n([\s\S]*?)```\s*<!-- readme-example:end -->/.exec(
      readme,
    );
  if (block === null) throw new Error('README.md has no readme-example block');
  return block[1];
}

describe('README example', () => {
  it('compiles and behaves as the README says', async () => {
    await mkdir(`${root}test/readme`, { recursive: true });
    await writeFile(target, await extractExample());
    expect(typeErrors(target)).toEqual([]);
    // A path in a variable: the file does not exist until this test writes it, so tsc must not resolve it.
    const example = await import(target);
    const module = await Test.createTestingModule({ imports: [example.AppModule] }).compile();
    module.useLogger(false);
    await module.init();
    const service = module.get(example.SignupService);

    const ok = await service.signup('ada@example.com');
    expect(ok).toMatchObject({
      success: true,
      data: { email: 'ada@example.com', userId: 'user-1' },
    });
    expect(Object.keys(ok.metrics)).toEqual(['validate', 'create', 'welcome']);
    expect(ok.errors).toEqual([
      expect.objectContaining({ operation: 'welcome', critical: false, code: 'OPERATION_FAILED' }),
    ]);

    const refused = await service.signup('nope');
    expect(refused).toMatchObject({
      success: false,
      error: { operation: 'validate', code: 'VALIDATION', message: 'email is not valid' },
    });
    await module.close();
  });
});
