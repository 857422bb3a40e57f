import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(src, '../package.json'), 'utf8')) as {
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  dependencies?: Record<string, string>;
};

// Value imports only: `import type` and `export type` leave nothing behind at run time.
const IMPORT = /^(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?'([^']+)'/gm;

/** Every package a module loads at run time, following its relative imports. */
function packagesLoadedBy(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (specifier.startsWith('.'))
        visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!specifier.startsWith('node:')) {
        const [scopeOrName, name] = specifier.split('/');
        packages.add(scopeOrName.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName);
      }
    }
  };
  visit(join(src, entry));
  return packages;
}

const optional = Object.keys(pkg.peerDependenciesMeta).filter(
  (name) => pkg.peerDependenciesMeta[name].optional,
);
const required = Object.keys(pkg.peerDependencies).filter((name) => !optional.includes(name));
/** Loaded at run time like a required peer: the tracing API, a no-op until an SDK is registered. */
const runtime = ['@opentelemetry/api'];
const always = [...required, ...runtime];

describe('entry points', () => {
  it.each([
    ['index.ts', []],
    ['http/index.ts', []],
    ['testing/index.ts', ['@nestjs/testing']],
    ['prometheus/index.ts', ['prom-client']],
    ['swagger/index.ts', ['@nestjs/swagger']],
    ['inspector/index.ts', []],
  ])('%s loads only the required peers, plus %j', (entry, extra) => {
    const loaded = [...packagesLoadedBy(entry)];
    expect(loaded.filter((name) => !always.includes(name)).sort()).toEqual([...extra].sort());
    for (const name of extra) expect(optional).toContain(name);
  });

  it('keeps the dashboards tooling out of every entry point, and the command off prom-client', () => {
    const tooling = Object.keys(pkg.dependencies ?? {}).filter((name) => !runtime.includes(name));
    expect(tooling.length).toBeGreaterThan(0);
    for (const name of tooling) {
      for (const entry of [
        'index.ts',
        'http/index.ts',
        'prometheus/index.ts',
        'inspector/index.ts',
      ]) {
        expect(packagesLoadedBy(entry)).not.toContain(name);
      }
    }
    // The command runs in apps without prom-client too: it only names the series.
    expect([...packagesLoadedBy('cli/main.ts')].sort()).toEqual([
      '@grafana/grafana-foundation-sdk',
      '@nestjs/common',
      '@nestjs/core',
      '@opentelemetry/api',
      'reflect-metadata',
      'yaml',
    ]);
  });
});
