import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What every bench report carries in `meta`: its mode and when it ran. */
interface StampedReport {
  readonly meta: Record<string, unknown>;
}

/** `node20`, `node24`: in every file name, so runs on two Node versions keep their own latest. */
const RUNTIME = `node${process.versions.node.split('.')[0]}`;

/**
 * Writes `<bench>-<mode>-node<major>-<date>.json` and `<bench>-<mode>-node<major>-latest.json`
 * under `dir`; returns the dated file's path.
 */
export async function writeReportJson(
  bench: 'micro' | 'http' | 'store',
  report: StampedReport,
  dir: string,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const text = `${JSON.stringify(report, null, 2)}\n`;
  const mode = String(report.meta.mode);
  const stamp = String(report.meta.date).replace(/[:.]/g, '-');
  const file = join(dir, `${bench}-${mode}-${RUNTIME}-${stamp}.json`);
  await writeFile(file, text);
  await writeFile(join(dir, `${bench}-${mode}-${RUNTIME}-latest.json`), text);
  return file;
}
