import { Registry, type Metric, type OpenMetricsContentType } from 'prom-client';
import type { AnyRegistry, PromMetricObject } from './accumulators/metric-object.js';

/** What a registry may find on a metric; the package's histograms add `getForOpenMetrics()`. */
interface ReadableMetric {
  readonly name: string;
  readonly type?: string;
  get(): Promise<PromMetricObject>;
  getForPromString?(): Promise<PromMetricObject>;
  getForOpenMetrics?(): Promise<PromMetricObject>;
}

export const OPENMETRICS_CONTENT_TYPE: string = Registry.OPENMETRICS_CONTENT_TYPE;

/**
 * Whether a scraper's `Accept` header prefers OpenMetrics over the plain text format: its
 * `application/openmetrics-text` range has a q above 0 and at least that of any range the plain
 * format matches (Prometheus sends OpenMetrics at q=1 and `text/plain` at q=0.5).
 */
export function prefersOpenMetrics(accept: string | undefined): boolean {
  if (accept === undefined || accept === '') return false;
  let openMetrics = 0;
  let plain = 0;
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = qualityOf(params);
    if (type === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, q);
    else if (type === 'text/plain' || type === 'text/*' || type === '*/*')
      plain = Math.max(plain, q);
  }
  return openMetrics > 0 && openMetrics >= plain;
}

function qualityOf(params: readonly string[]): number {
  const q = params.find((param) => param.startsWith('q='));
  if (q === undefined) return 1;
  const value = Number(q.slice(2));
  return Number.isFinite(value) && value >= 0 && value <= 1 ? value : 0;
}

/**
 * The registry's metrics in OpenMetrics text, with exemplars, and the registry left untouched.
 *
 * prom-client has one content type per registry, and its OpenMetrics mode renames counters in
 * place (it strips `_total` from the metric's `name`), which would change the plain format of
 * every later scrape and race with one running at the same time. So each OpenMetrics scrape
 * builds a registry of its own holding a view of each metric, and prom-client's writer renames
 * only the views. Both formats are written by prom-client from the same metric objects.
 */
export async function renderOpenMetrics(source: AnyRegistry): Promise<string> {
  const scrape = new Registry<OpenMetricsContentType>();
  scrape.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const defaults = defaultLabelsOf(source);
  if (defaults !== undefined) scrape.setDefaultLabels(defaults);
  for (const metric of source.getMetricsAsArray()) {
    scrape.registerMetric(viewOf(metric as unknown as ReadableMetric) as unknown as Metric);
  }
  return scrape.metrics();
}

function viewOf(metric: ReadableMetric) {
  const counter = metric.type === 'counter';
  const read = async (): Promise<PromMetricObject> => {
    const object = await (metric.getForOpenMetrics?.() ??
      metric.getForPromString?.() ??
      metric.get());
    // The registry printing a counter reads the name from this object: it must be the one it
    // stripped of `_total` on the view, as prom-client's own counters would return.
    return counter ? { ...object, name: object.name.replace(/_total$/, '') } : object;
  };
  return {
    name: metric.name,
    type: metric.type,
    get: read,
    getForPromString: read,
    reset: () => undefined,
  };
}

/**
 * prom-client has a setter and no getter for a registry's default labels; they are read where
 * the registry keeps them, so both formats carry them.
 */
function defaultLabelsOf(registry: AnyRegistry): Record<string, string> | undefined {
  const labels = (registry as unknown as { _defaultLabels?: Record<string, string> })
    ._defaultLabels;
  return labels !== undefined && Object.keys(labels).length > 0 ? labels : undefined;
}
