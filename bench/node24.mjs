// Runs a compiled bench (`micro` or `http`) on Node 24: the binary from the
// `node-<platform>-<arch>@24` npm package, fetched once into node_modules/.cache/node24 as
// `npm run test:package` does. The same figures on the Node users run, next to this Node's.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { node24Bin } from '../test/package/lib/node24.mjs';

const BENCHES = { micro: ['--expose-gc'], http: [] };
const [bench, ...args] = process.argv.slice(2);
if (!Object.hasOwn(BENCHES, bench ?? '')) {
  process.stderr.write(`usage: node bench/node24.mjs micro|http [bench flags]\n`);
  process.exit(2);
}
const repoDir = fileURLToPath(new URL('..', import.meta.url));
const bin = await node24Bin(join(repoDir, 'node_modules', '.cache', 'node24'), repoDir);
const script = join(repoDir, 'dist-bench', 'bench', `${bench}.bench.js`);
const { status } = spawnSync(join(bin, 'node'), [...BENCHES[bench], script, ...args], {
  stdio: 'inherit',
});
process.exit(status ?? 1);
