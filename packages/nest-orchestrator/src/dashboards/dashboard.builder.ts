import {
  DashboardBuilder,
  RowBuilder,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import type { PanelSpec, RowSpec } from './panel-spec.js';

const PANEL_HEIGHT = 8;
/** Matches the datasource the provisioning files declare. */
export const DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const;

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly rows: readonly RowSpec[];
}

function panel(spec: PanelSpec, id: number, x: number, y: number) {
  const builder = spec.kind === 'stat' ? new StatPanelBuilder() : new TimeseriesPanelBuilder();
  builder
    .id(id)
    .title(spec.title)
    .description(spec.description)
    .unit(spec.unit)
    .datasource(DATASOURCE)
    .gridPos({ x, y, w: spec.width, h: PANEL_HEIGHT });
  spec.queries.forEach((query, index) => {
    const target = new DataqueryBuilder()
      .refId(String.fromCharCode(65 + index))
      .expr(query.expr)
      .legendFormat(query.legend)
      .datasource(DATASOURCE);
    if (spec.exemplars === true) target.exemplar(true);
    builder.withTarget(target);
  });
  return builder;
}

/**
 * Lays rows out top to bottom, panels left to right, with ids in reading order, so the same
 * registry always gives byte-identical JSON and a diff shows only what changed.
 */
export function buildDashboard(spec: DashboardSpec): Dashboard {
  const dashboard = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([...spec.tags])
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .editable();
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    dashboard.withRow(new RowBuilder(row.title).id(id++).gridPos({ x: 0, y: y++, w: 24, h: 1 }));
    let x = 0;
    for (const panelSpec of row.panels) {
      if (x + panelSpec.width > 24) {
        x = 0;
        y += PANEL_HEIGHT;
      }
      dashboard.withPanel(panel(panelSpec, id++, x, y));
      x += panelSpec.width;
    }
    y += PANEL_HEIGHT;
  }
  return dashboard.build();
}
