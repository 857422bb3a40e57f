import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What every bench report carries in `meta`: its mode and when it ran. */
interface StampedReport {
  readonly meta: Record<string, unknown>;
}

/**
 * Writes `<bench>-<mode>-<date>.json` and `<bench>-<mode>-latest.json` under `dir`; returns the
 * dated file's path.
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
  const file = join(dir, `${bench}-${mode}-${stamp}.json`);
  await writeFile(file, text);
  await writeFile(join(dir, `${bench}-${mode}-latest.json`), text);
  return file;
}
