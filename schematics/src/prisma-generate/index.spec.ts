import { prismaGenerateCommand } from './index.js';

describe('prisma-generate', () => {
  it("runs the app's own script when it has one", () => {
    expect(prismaGenerateCommand({ script: 'db:generate' })).toEqual([
      'npm',
      ['run', 'db:generate'],
    ]);
  });

  it('otherwise runs the installed Prisma CLI, never downloading one', () => {
    expect(prismaGenerateCommand({})).toEqual(['npx', ['--no-install', 'prisma', 'generate']]);
  });
});
