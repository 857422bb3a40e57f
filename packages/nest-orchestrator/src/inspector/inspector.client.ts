// The page's script and style, served by the module as files (a strict Content-Security-Policy
// blocks inline scripts). Plain ES2017 for any current browser, no library: elements are built with
// textContent (never innerHTML), so a pipeline or operation name is never read as markup, and
// styles are set through the CSSOM, which `style-src 'self'` allows.

export const INSPECTOR_SCRIPT = String.raw`(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var base = document.currentScript.src.replace(/\/inspector\.js(\?.*)?$/, '');
  var refreshMs = Number(document.body.getAttribute('data-refresh-ms')) || 2000;
  var root = document.getElementById('pipelines');
  var status = document.getElementById('status');

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    set(node, attrs);
    (children || []).forEach(function (child) {
      node.append(child);
    });
    return node;
  }
  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVG, tag);
    set(node, attrs);
    (children || []).forEach(function (child) {
      node.append(child);
    });
    return node;
  }
  function set(node, attrs) {
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === undefined || value === null) return;
      if (name === 'text') node.textContent = String(value);
      else node.setAttribute(name, String(value));
    });
  }
  function ms(value) {
    if (value === null || value === undefined) return '–';
    if (value < 1) return value.toFixed(3) + ' ms';
    if (value < 100) return value.toFixed(1) + ' ms';
    return Math.round(value) + ' ms';
  }
  function pct(rate) {
    return (Math.round(rate * 1000) / 10) + ' %';
  }
  // The window's figures when it saw runs, else those since boot.
  function figures(op) {
    return op.window.count > 0 ? op.window : op.sinceBoot;
  }
  function failures(f) {
    return f.count - f.outcomes.success;
  }
  function tone(f, maxP95) {
    if (f.count === 0) return '#c9ced6';
    if (f.errorRate >= 0.05) return '#e5534b';
    if (f.errorRate > 0) return '#f0a33c';
    var share = maxP95 > 0 && f.p95Ms !== null ? f.p95Ms / maxP95 : 0;
    return 'hsl(' + Math.round(140 - 95 * share) + ', 62%, 52%)';
  }

  var BOX_W = 150, BOX_H = 50, GAP_X = 56, GAP_Y = 18, PAD = 12;
  function graph(p, maxP95) {
    var columns = [];
    p.operations.forEach(function (op) {
      (columns[op.depth] = columns[op.depth] || []).push(op);
    });
    var rows = Math.max.apply(null, columns.map(function (c) { return c.length; }).concat([1]));
    var width = PAD * 2 + columns.length * BOX_W + (columns.length - 1) * GAP_X;
    var height = PAD * 2 + rows * BOX_H + (rows - 1) * GAP_Y;
    var at = {};
    columns.forEach(function (column, depth) {
      var top = PAD + ((rows - column.length) * (BOX_H + GAP_Y)) / 2;
      column.forEach(function (op, row) {
        at[op.name] = { x: PAD + depth * (BOX_W + GAP_X), y: top + row * (BOX_H + GAP_Y) };
      });
    });
    var marker = 'arrow-' + p.name.replace(/[^A-Za-z0-9_-]/g, '_');
    var image = svg('svg', {
      class: 'graph', 'data-graph': p.name, width: width, height: height,
      viewBox: '0 0 ' + width + ' ' + height, role: 'img',
      'aria-label': 'Operations of ' + p.name + ' and what each starts after',
    }, [svg('defs', {}, [svg('marker', {
      id: marker, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7,
      orient: 'auto-start-reverse',
    }, [svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#5b6472' })])])]);
    p.operations.forEach(function (op) {
      op.after.forEach(function (name) {
        var from = at[name], to = at[op.name];
        if (!from || !to) return;
        var x1 = from.x + BOX_W, y1 = from.y + BOX_H / 2, x2 = to.x, y2 = to.y + BOX_H / 2;
        var mid = (x1 + x2) / 2;
        image.append(svg('path', {
          class: 'edge', 'data-edge': name + '->' + op.name, fill: 'none', stroke: '#5b6472',
          'marker-end': 'url(#' + marker + ')',
          d: 'M ' + x1 + ' ' + y1 + ' C ' + mid + ' ' + y1 + ', ' + mid + ' ' + y2 + ', ' + x2 + ' ' + y2,
        }));
      });
    });
    p.operations.forEach(function (op) {
      var f = figures(op), pos = at[op.name];
      image.append(svg('g', {
        class: 'node', 'data-node': op.name, 'data-critical': op.critical,
        transform: 'translate(' + pos.x + ' ' + pos.y + ')',
      }, [
        svg('title', { text: op.name + (op.critical ? ' (critical)' : ' (non-critical)') +
          ': p95 ' + ms(f.p95Ms) + ', errors ' + pct(f.errorRate) }),
        svg('rect', {
          width: BOX_W, height: BOX_H, rx: 7, fill: tone(f, maxP95),
          stroke: op.critical ? '#1f2430' : '#8a919c', 'stroke-width': op.critical ? 2.5 : 1,
          'stroke-dasharray': op.critical ? null : '5 3',
        }),
        svg('text', { x: 10, y: 20, class: 'node-name', text: (op.critical ? '■ ' : '□ ') + op.name }),
        svg('text', { x: 10, y: 38, class: 'node-figure', text: 'p95 ' + ms(f.p95Ms) + ' · ' + pct(f.errorRate) }),
      ]));
    });
    return image;
  }

  function bars(p, maxP95) {
    var scale = Math.max(maxP95, 0.001);
    return el('table', { class: 'bars', 'data-bars': p.name }, [
      el('thead', {}, [el('tr', {}, ['operation', 'p95', 'p50 / p95 / p99', 'runs', 'failed', 'retries'].map(function (h) {
        return el('th', { text: h });
      }))]),
      el('tbody', {}, p.operations.map(function (op) {
        var f = figures(op);
        var bar = el('div', { class: 'bar' });
        bar.style.width = (f.p95Ms === null ? 0 : Math.max(1, (100 * f.p95Ms) / scale)) + '%';
        bar.style.background = tone(f, maxP95);
        return el('tr', {
          'data-operation': op.name, 'data-pipeline': p.name, 'data-p95': f.p95Ms, 'data-runs': f.count,
        }, [
          el('th', { scope: 'row' }, [op.name, op.critical ? el('span', { class: 'badge', text: 'critical' }) : '']),
          el('td', { class: 'bar-cell' }, [bar]),
          el('td', { class: 'num', text: ms(f.p50Ms) + ' / ' + ms(f.p95Ms) + ' / ' + ms(f.p99Ms) }),
          el('td', { class: 'num', text: f.count }),
          el('td', { class: 'num', text: failures(f) + ' (' + pct(f.errorRate) + ')' }),
          el('td', { class: 'num', text: op.retries }),
        ]);
      })),
    ]);
  }

  var LANE = 15;
  function waterfall(p) {
    var runs = p.recentRuns.slice(0, 12);
    if (runs.length === 0) return el('p', { class: 'empty', 'data-waterfall': p.name, text: 'No run yet.' });
    var span = 0.001;
    runs.forEach(function (run) {
      span = Math.max(span, run.durationMs || 0);
      run.operations.forEach(function (op) {
        span = Math.max(span, op.startOffsetMs + op.durationMs);
      });
    });
    return el('div', { class: 'waterfall', 'data-waterfall': p.name }, runs.map(function (run) {
      var track = el('div', { class: 'track' });
      // Operations side by side get lanes of their own, so none hides another.
      var lanes = [];
      run.operations.forEach(function (op) {
        var lane = 0;
        while (lanes[lane] !== undefined && lanes[lane] > op.startOffsetMs + 1e-6) lane++;
        lanes[lane] = op.startOffsetMs + op.durationMs;
        var bar = el('div', {
          class: 'segment outcome-' + op.outcome, 'data-segment': op.name, title:
            op.name + ': +' + ms(op.startOffsetMs) + ', ' + ms(op.durationMs) + ' (' + op.outcome + ')',
        }, [el('span', { text: op.name })]);
        bar.style.left = (100 * op.startOffsetMs) / span + '%';
        bar.style.width = Math.max(0.4, (100 * op.durationMs) / span) + '%';
        bar.style.top = 2 + lane * LANE + 'px';
        track.append(bar);
      });
      track.style.height = 4 + Math.max(1, lanes.length) * LANE + 'px';
      return el('div', { class: 'run', 'data-run-id': run.runId, 'data-outcome': run.outcome }, [
        el('div', { class: 'run-label outcome-' + run.outcome, text:
          new Date(run.startedAt).toLocaleTimeString() + ' · ' + run.outcome + ' · ' + ms(run.durationMs) }),
        track,
      ]);
    }).concat([el('div', { class: 'scale', text: '0 … ' + ms(span) })]));
  }

  function pipeline(p) {
    var maxP95 = 0;
    p.operations.forEach(function (op) {
      maxP95 = Math.max(maxP95, figures(op).p95Ms || 0);
    });
    var runs = p.runs.window.count > 0 ? p.runs.window : p.runs.sinceBoot;
    return el('section', { class: 'pipeline', 'data-pipeline': p.name }, [
      el('h2', {}, [p.name, el('span', { class: 'summary', text:
        runs.count + ' runs · p95 ' + ms(runs.p95Ms) + ' · errors ' + pct(runs.errorRate) }) ]),
      p.description ? el('p', { class: 'description', text: p.description }) : '',
      el('div', { class: 'graph-wrap' }, [graph(p, maxP95)]),
      el('h3', { text: 'Latency per operation' }),
      bars(p, maxP95),
      el('h3', { text: 'Recent runs' }),
      waterfall(p),
    ]);
  }

  function render(data) {
    root.replaceChildren.apply(root, data.pipelines.length === 0
      ? [el('p', { class: 'empty', text: 'No pipeline is registered.' })]
      : data.pipelines.map(pipeline));
    status.textContent = 'Figures over the last ' + Math.round(data.windowMs / 60000) +
      ' min (since boot when the window is empty) · updated ' + new Date(data.generatedAt).toLocaleTimeString();
    document.body.setAttribute('data-inspector-ready', 'true');
    document.body.setAttribute('data-generated-at', data.generatedAt);
  }

  function refresh() {
    fetch(base + '/pipelines', { cache: 'no-store', credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(render)
      .catch(function (error) {
        status.textContent = 'Could not refresh: ' + error.message;
      })
      .then(function () {
        setTimeout(refresh, refreshMs);
      });
  }
  refresh();
})();
`;

export const INSPECTOR_STYLE = `:root { color-scheme: light; font-family: system-ui, sans-serif; color: #1f2430; background: #f6f7f9; }
body { margin: 0; padding: 0 24px 32px; }
header { display: flex; align-items: baseline; gap: 18px; border-bottom: 1px solid #dde1e6; }
h1 { font-size: 22px; margin: 16px 0 10px; }
#status { color: #5b6472; font-size: 13px; margin: 0; }
.pipeline { background: #fff; border: 1px solid #dde1e6; border-radius: 10px; padding: 6px 18px 16px; margin-top: 18px; }
h2 { font-size: 18px; margin: 12px 0 4px; }
h3 { font-size: 14px; margin: 16px 0 6px; color: #3b4250; }
.summary { font-weight: normal; color: #5b6472; font-size: 13px; margin-left: 12px; }
.description { color: #3b4250; font-size: 13px; margin: 0 0 8px; }
.graph-wrap { overflow-x: auto; }
.node-name { font: 600 13px system-ui, sans-serif; fill: #10131a; }
.node-figure { font: 12px system-ui, sans-serif; fill: #10131a; }
table.bars { border-collapse: collapse; width: 100%; font-size: 13px; }
.bars th, .bars td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #eef0f3; white-space: nowrap; }
.bars thead th { color: #5b6472; font-weight: 500; }
.bar-cell { width: 40%; }
.bar { height: 12px; border-radius: 3px; min-width: 2px; }
.num { font-variant-numeric: tabular-nums; }
.badge { font-size: 11px; background: #1f2430; color: #fff; border-radius: 4px; padding: 1px 5px; margin-left: 6px; }
.waterfall { font-size: 12px; }
.run { display: grid; grid-template-columns: 230px 1fr; gap: 8px; align-items: center; margin: 2px 0; }
.run-label { color: #3b4250; white-space: nowrap; }
.track { position: relative; background: #f0f2f5; border-radius: 3px; }
.segment { position: absolute; height: 13px; line-height: 13px; border-radius: 3px; background: #4c9a6a; overflow: hidden; }
.segment span { font-size: 10px; color: #fff; padding-left: 3px; white-space: nowrap; }
.segment.outcome-failure { background: #e5534b; }
.segment.outcome-timeout { background: #f0a33c; }
.segment.outcome-aborted { background: #8a919c; }
.run-label.outcome-failure, .run-label.outcome-timeout { color: #b3261e; }
.scale { color: #5b6472; margin-left: 238px; }
.empty { color: #5b6472; font-size: 13px; }
`;

/** The page itself: a shell whose script fetches `<path>/pipelines` and draws it. */
export function inspectorPage(path: string, refreshMs: number): string {
  // Relative to the page at `<...>/<last>`, so a global prefix in front of the path still works.
  const last = escapeHtml(path.slice(path.lastIndexOf('/') + 1));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pipelines · nest-orchestrator</title>
<link rel="stylesheet" href="${last}/inspector.css">
</head>
<body data-refresh-ms="${refreshMs}">
<header><h1>Pipelines</h1><p id="status" data-status>Loading…</p></header>
<main id="pipelines" data-pipelines></main>
<script src="${last}/inspector.js"></script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
