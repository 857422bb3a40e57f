/** A panel before it becomes Grafana JSON: what to plot and how to read it. */
export interface PanelQuery {
  readonly expr: string;
  readonly legend: string;
}

export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly kind: 'timeseries' | 'stat';
  /** Grafana unit id: 'reqps', 'percentunit', 's', 'short'. */
  readonly unit: string;
  readonly queries: readonly PanelQuery[];
  /** Grid width out of 24. */
  readonly width: number;
  /**
   * Latency panels ask Prometheus for exemplars too: dots at the traced observations, each
   * linking to its trace in Tempo through the data source's `exemplarTraceIdDestinations`.
   */
  readonly exemplars?: boolean;
}

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}
