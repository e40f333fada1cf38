/**
 * The sweep's HTML report (`zksim explore --report FILE`): one self-contained page that works
 * offline and from a file:// URL, so it can be attached to a bug or archived with the run. d3 is
 * inlined from node_modules and the report is embedded as JSON; the page draws everything from
 * that JSON in the browser, and every piece of data reaches the DOM through d3's `.text()` or
 * `.attr()`, never as markup.
 *
 * The caller passes d3's source (the CLI reads it from node_modules: sim/cli/d3-source.ts), so
 * this module needs no file system and runs in a browser too.
 *
 * Links to failure directories (`failures/<signature>/repro.json`) are relative, as in report.json:
 * they resolve when the page sits in the `--out` directory next to report.json.
 */
import { PROBES } from './probes.js';
import type { ExploreReport, ExploreTiming } from './report.js';

/** The unavailability timeline draws at most this many runs (one row each). */
export const MAX_TIMELINE_RUNS = 200;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * JSON that cannot end its <script> element early: `</` could close it, and `<!--` switches the
 * HTML parser into a mode where `</script>` no longer closes it. Both only occur inside JSON
 * strings, where `\/` and `\u0021` are valid escapes, so JSON.parse gives back the same value.
 */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/<\//g, '<\\/').replace(/<!--/g, '<\\u0021--');
}

/** Library source made safe for a <script> element; the same two hazards, which can only be inside JS strings or regexes there. */
function scriptJs(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

const CSS = String.raw`
:root { --fail: #c62828; --unknown: #ef6c00; --pass: #2e7d32; --bar: #4a6fa5; --window: #e08a00; --muted: #666; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 0 auto; padding: 16px 24px 48px; max-width: 980px; }
h1 { font-size: 1.5em; margin: 0.4em 0; }
h2 { font-size: 1.2em; margin: 1.6em 0 0.4em; padding-bottom: 0.2em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1em; margin: 1.2em 0 0.4em; }
dl.spec { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0.5em 0; }
dl.spec dt { color: var(--muted); }
dl.spec dd { margin: 0; overflow-wrap: anywhere; }
.totals { display: flex; flex-wrap: wrap; gap: 8px; margin: 0.8em 0; padding: 0; list-style: none; }
.totals li { border: 1px solid #ccc; border-radius: 4px; padding: 4px 12px; }
.totals .n { font-size: 1.3em; font-weight: 600; display: block; }
.totals .fail .n { color: var(--fail); }
.totals .unknown .n { color: var(--unknown); }
.totals .pass .n { color: var(--pass); }
.note { color: var(--muted); margin: 0.3em 0; }
.empty { font-style: italic; color: var(--muted); }
.render-error { color: var(--fail); font-weight: 600; }
svg { display: block; max-width: 100%; height: auto; font: 12px system-ui, sans-serif; overflow: visible; }
svg .bar { fill: var(--bar); }
svg .bar.fail { fill: var(--fail); }
svg .axis-label { fill: #333; font-size: 12px; }
svg .label { fill: #222; }
svg .label.never-hit, svg .value.never-hit { fill: var(--fail); font-weight: 600; }
svg .band.never-hit { fill: #fdecea; }
svg .sub { fill: var(--muted); font-size: 11px; }
svg .value { fill: #333; font-size: 11px; }
svg .window { fill: var(--window); }
svg .row.fail { fill: #fdecea; }
svg .row.unknown { fill: #fff4e5; }
svg .row.pass { fill: #f6f6f6; }
svg .status.fail { fill: var(--fail); }
svg .status.unknown { fill: var(--unknown); }
svg .status.pass { fill: var(--pass); }
svg .mark line { stroke-width: 1.5; stroke-dasharray: 4 3; }
svg .mark.median line { stroke: #1a237e; }
svg .mark.median text { fill: #1a237e; }
svg .mark.p99 line { stroke: var(--fail); }
svg .mark.p99 text { fill: var(--fail); }
.legend { display: flex; flex-wrap: wrap; gap: 14px; margin: 0.3em 0; padding: 0; list-style: none; font-size: 12px; }
.legend span.swatch { display: inline-block; width: 12px; height: 12px; vertical-align: -2px; margin-right: 4px; border: 1px solid #0002; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
caption { text-align: left; color: var(--muted); padding-bottom: 4px; }
th, td { border: 1px solid #ddd; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td code, li code { overflow-wrap: anywhere; }
ul.never-hit li code { color: var(--fail); font-weight: 600; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  section { break-inside: avoid-page; }
  section.long { break-inside: auto; }
  svg, table, tr { break-inside: avoid; }
  a { color: inherit; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

/*
 * The browser side. Plain JS in a raw string: it runs in the page, not in Node, and must stay free
 * of template-literal syntax (backticks, dollar-brace) since it sits inside one here.
 */
const CLIENT_JS = String.raw`
(function () {
  'use strict';
  var payload = JSON.parse(document.getElementById('explore-data').textContent);
  var report = payload.report;
  var timing = payload.timing;
  var describe = payload.probeDescriptions || {};
  var MAX_RUNS = payload.maxTimelineRuns;
  var W = 900;
  var num = d3.format(',');
  var dec = d3.format(',.1~f');
  var ms = function (v) { return dec(v) + ' ms'; };
  var secs = function (v) { return d3.format(',.1f')(v / 1000) + ' s'; };
  var STATUS_ORDER = { fail: 0, unknown: 1, pass: 2 };
  var errors = 0;
  var svgCount = 0;

  // One chart failing to draw should not take the others with it; say so in its place.
  function section(id, render) {
    var root = d3.select('#' + id);
    try {
      render(root);
    } catch (e) {
      errors++;
      root.append('p').attr('class', 'render-error').text('This part of the report could not be drawn: ' + (e && e.message ? e.message : String(e)));
      console.error(e);
    }
  }

  function note(parent, text, cls) {
    return parent.append('p').attr('class', cls || 'note').text(text);
  }

  function svg(parent, height, title, desc) {
    var id = 'chart-' + (++svgCount);
    var s = parent.append('svg')
      .attr('viewBox', '0 0 ' + W + ' ' + height)
      .attr('width', W)
      .attr('height', height)
      .attr('role', 'img')
      .attr('aria-labelledby', id + '-title ' + id + '-desc');
    s.append('title').attr('id', id + '-title').text(title);
    s.append('desc').attr('id', id + '-desc').text(desc);
    return s;
  }

  function integerTicks(scale, count) {
    return scale.ticks(count).filter(function (t) { return Number.isInteger(t); });
  }

  // Horizontal bars, one row per item: { key, label, value, valueText, tip, cls, sub }.
  function hbars(parent, items, o) {
    var rowH = o.sub ? 36 : 24;
    var left = o.left, right = 190, top = 8, bottom = 46;
    var plotH = rowH * items.length;
    var h = top + plotH + bottom;
    var s = svg(parent, h, o.title, o.desc);
    var x = d3.scaleLinear().domain([0, Math.max(o.max || 0, d3.max(items, function (d) { return d.value; }) || 0, 1)]).range([left, W - right]);
    var y = d3.scaleBand().domain(items.map(function (d) { return d.key; })).range([top, top + plotH]).paddingInner(0);
    var barH = o.sub ? 14 : 16;
    var barY = function (d) { return y(d.key) + (o.sub ? 4 : (rowH - barH) / 2); };
    var rows = s.append('g').selectAll('g').data(items).join('g').attr('class', function (d) { return 'item ' + (d.cls || ''); }).attr('data-key', function (d) { return d.key; });
    rows.append('rect').attr('class', function (d) { return 'band ' + (d.cls || ''); })
      .attr('x', 0).attr('y', function (d) { return y(d.key); }).attr('width', W - right + 180).attr('height', rowH).attr('fill', 'none');
    rows.append('text').attr('class', function (d) { return 'label ' + (d.cls || ''); })
      .attr('x', left - 8).attr('y', function (d) { return barY(d) + barH / 2; }).attr('dy', '0.35em').attr('text-anchor', 'end')
      .text(function (d) { return d.label; })
      .append('title').text(function (d) { return d.tip; });
    rows.append('rect').attr('class', function (d) { return 'bar ' + (d.cls || ''); })
      .attr('x', left).attr('y', barY).attr('height', barH)
      .attr('width', function (d) { return Math.max(0, x(d.value) - left); })
      .append('title').text(function (d) { return d.tip; });
    rows.append('text').attr('class', function (d) { return 'value ' + (d.cls || ''); })
      .attr('x', function (d) { return x(d.value) + 5; }).attr('y', function (d) { return barY(d) + barH / 2; }).attr('dy', '0.35em')
      .text(function (d) { return d.valueText; });
    if (o.sub) {
      rows.append('text').attr('class', 'sub').attr('x', left + 5).attr('y', function (d) { return barY(d) + barH + 12; })
        .text(function (d) { return d.sub; });
    }
    s.append('g').attr('class', 'axis x').attr('transform', 'translate(0,' + (top + plotH) + ')')
      .call(d3.axisBottom(x).tickValues(integerTicks(x, 10)).tickFormat(d3.format(',d')));
    s.append('line').attr('x1', left).attr('x2', left).attr('y1', top).attr('y2', top + plotH).attr('stroke', '#000');
    s.append('text').attr('class', 'axis-label').attr('x', (left + W - right) / 2).attr('y', h - 8).attr('text-anchor', 'middle').text(o.xLabel);
    return s;
  }

  // Histogram of non-negative values, with optional vertical marks: { value, label, cls }.
  function histogram(parent, values, o) {
    var marks = o.marks || [];
    var m = { top: 14 + 16 * marks.length, right: 30, bottom: 50, left: 64 };
    var h = 300;
    var s = svg(parent, h, o.title, o.desc);
    var hi = d3.max(values) || 0;
    var x = d3.scaleLinear().domain([0, hi > 0 ? hi : 1]).nice().range([m.left, W - m.right]);
    var bins = d3.bin().domain(x.domain()).thresholds(x.ticks(30))(values);
    var y = d3.scaleLinear().domain([0, d3.max(bins, function (b) { return b.length; }) || 1]).nice().range([h - m.bottom, m.top]);
    s.append('g').selectAll('rect').data(bins).join('rect').attr('class', 'bar')
      .attr('x', function (b) { return x(b.x0) + 0.5; })
      .attr('width', function (b) { return Math.max(0.5, x(b.x1) - x(b.x0) - 1); })
      .attr('y', function (b) { return y(b.length); })
      .attr('height', function (b) { return y(0) - y(b.length); })
      .append('title').text(function (b) { return dec(b.x0) + '–' + dec(b.x1) + ' ms: ' + num(b.length) + ' ' + (b.length === 1 ? o.noun : o.nouns); });
    s.append('g').attr('class', 'axis x').attr('transform', 'translate(0,' + (h - m.bottom) + ')').call(d3.axisBottom(x).ticks(10).tickFormat(d3.format(',~r')));
    s.append('g').attr('class', 'axis y').attr('transform', 'translate(' + m.left + ',0)').call(d3.axisLeft(y).tickValues(integerTicks(y, 6)).tickFormat(d3.format(',d')));
    s.append('text').attr('class', 'axis-label').attr('x', (m.left + W - m.right) / 2).attr('y', h - 10).attr('text-anchor', 'middle').text(o.xLabel);
    s.append('text').attr('class', 'axis-label').attr('transform', 'translate(16,' + ((m.top + h - m.bottom) / 2) + ') rotate(-90)').attr('text-anchor', 'middle').text(o.yLabel);
    marks.forEach(function (mk, i) {
      var g = s.append('g').attr('class', 'mark ' + mk.cls);
      var at = x(mk.value);
      g.append('line').attr('x1', at).attr('x2', at).attr('y1', 10 + 16 * i).attr('y2', h - m.bottom);
      g.append('text').attr('x', at + (at > W - 200 ? -4 : 4)).attr('y', 8 + 16 * i).attr('dy', '0.35em')
        .attr('text-anchor', at > W - 200 ? 'end' : 'start').text(mk.label);
      g.append('title').text(mk.label);
    });
    return s;
  }

  function legend(parent, entries) {
    var ul = parent.append('ul').attr('class', 'legend');
    entries.forEach(function (e) {
      var li = ul.append('li');
      li.append('span').attr('class', 'swatch').style('background', e.color);
      li.append('span').text(e.label);
    });
  }

  // ---- header ----
  section('header-info', function (root) {
    var spec = report.spec;
    var base = spec.base || {};
    var dl = root.append('dl').attr('class', 'spec');
    var add = function (k, v) { dl.append('dt').text(k); dl.append('dd').text(v); };
    add('base scenario', (base.name || '?') + (base.description ? ' — ' + base.description : ''));
    add('base hash', spec.baseHash);
    add('seeds', spec.runs > 0 ? num(spec.start) + ' … ' + num(spec.start + spec.runs - 1) + ' (' + num(spec.runs) + ' seeds)' : 'none');
    add('shard', spec.shard
      ? spec.shard.index + '/' + spec.shard.count + ': every ' + spec.shard.count + (spec.shard.count === 2 ? 'nd' : spec.shard.count === 3 ? 'rd' : 'th') + ' seed from ' + num(spec.start + spec.shard.index - 1) + ' (' + num(report.seeds) + ' seeds in this report)'
      : 'none (the whole seed range)');
    add('shards merged', String(report.shards));
    if (Array.isArray(base.bugs) && base.bugs.length > 0) add('planted bugs', base.bugs.join(', '));
    if (typeof base.durationTicks === 'number') add('simulated time per run', ms(base.durationTicks) + ' (1 tick = 1 ms)');
    add('shrinking', 'up to ' + num(spec.maxShrinks) + ' failing seed(s) per check, at most ' + num(spec.shrinkRuns) + ' candidate runs each');
    add('zksim', report.zksim);

    var totals = root.append('ul').attr('class', 'totals').attr('aria-label', 'totals');
    var total = function (cls, n, label) {
      var li = totals.append('li').attr('class', cls);
      li.append('span').attr('class', 'n').text(num(n));
      li.append('span').text(label);
    };
    total('seeds', report.seeds, 'seeds run');
    total('pass', report.passed, 'passed');
    total('fail', report.failed, 'failed');
    total('unknown', report.unknown, 'unknown');
    total('groups', report.failures.length, 'failure groups');

    if (timing) {
      var tl = root.append('dl').attr('class', 'spec timing').attr('aria-label', 'timing');
      var addT = function (k, v) { tl.append('dt').text(k); tl.append('dd').text(v); };
      addT('wall time', secs(timing.wallMs));
      addT('workers', num(timing.workers));
      addT('throughput', d3.format(',.0f')(timing.seedsPerHour) + ' seeds/hour');
      var sh = timing.shrinkMs || [];
      addT('shrinking time', sh.length === 0 ? 'no shrinks' : num(sh.length) + ' shrink(s), ' + secs(d3.sum(sh)) + ' in all, longest ' + secs(d3.max(sh)));
    }
  });

  // ---- failures ----
  section('failures-chart', function (root) {
    var entries = Object.entries(report.failuresByCheck).sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); });
    var shrunkSeeds = (report.shrunk || []).length;
    note(root, num(report.failed) + ' of ' + num(report.seeds) + ' seeds failed; a seed counts once for each check it failed. '
      + num(shrunkSeeds) + ' failing seed(s) were shrunk into ' + num(report.failures.length) + ' failure group(s).');
    if (entries.length === 0) {
      note(root, 'No check failed.', 'empty');
      return;
    }
    hbars(root, entries.map(function (e) {
      return { key: e[0], label: e[0], value: e[1], valueText: num(e[1]) + (e[1] === 1 ? ' seed' : ' seeds'), tip: e[0] + ': failed in ' + num(e[1]) + ' of ' + num(report.seeds) + ' seeds', cls: 'fail' };
    }), { left: 200, title: 'Failing seeds per check', desc: 'Horizontal bars: for each check, the number of seeds in which it failed.', xLabel: 'failing seeds (runs)' });
  });

  section('failures-table', function (root) {
    var groups = report.failures;
    if (groups.length === 0) {
      note(root, 'No failure groups.', 'empty');
      return;
    }
    note(root, 'Seeds that shrink to the same scenario form one group; its repro comes from its smallest seed. Links are relative to the directory of report.json.');
    var table = root.append('div').attr('class', 'table-wrap').append('table');
    table.append('caption').text('Failure groups (shrunk)');
    var cols = ['signature', 'check', 'seeds', 'faults before → after', 'client ops before → after', 'shrink runs', 'repro', 'first violation'];
    table.append('thead').append('tr').selectAll('th').data(cols).join('th').attr('scope', 'col').text(function (d) { return d; });
    var rows = table.append('tbody').selectAll('tr').data(groups).join('tr').attr('data-signature', function (g) { return g.signature; });
    rows.append('td').append('code').text(function (g) { return g.signature; });
    rows.append('td').text(function (g) { return g.check; });
    rows.append('td').text(function (g) { return g.seeds.join(', '); });
    rows.append('td').attr('class', 'num').text(function (g) { return num(g.faultsBefore) + ' → ' + num(g.faultsAfter); });
    rows.append('td').attr('class', 'num').text(function (g) { return num(g.opsBefore) + ' → ' + num(g.opsAfter); });
    rows.append('td').attr('class', 'num').text(function (g) { return num(g.shrinkRuns) + (g.exhausted ? ' (budget used up)' : ''); })
      .attr('title', function (g) { return g.exhausted ? 'the shrink ran out of candidate runs; the repro may shrink further' : 'no smaller failing candidate was found'; });
    rows.append('td').each(function (g) {
      var td = d3.select(this);
      // Only relative paths: the report is data, and an absolute or scheme URL in it is not ours to follow.
      if (/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(g.dir) && g.dir.split('/').indexOf('..') < 0) {
        td.append('a').attr('href', g.dir + '/repro.json').append('code').text(g.dir + '/repro.json');
      } else {
        td.append('code').text(g.dir + '/repro.json');
      }
    });
    rows.append('td').text(function (g) { return g.first || '—'; });
  });

  // ---- unavailability ----
  section('unavail-timeline', function (root) {
    var all = report.runs.slice().sort(function (a, b) { return (STATUS_ORDER[a.status] - STATUS_ORDER[b.status]) || (a.seed - b.seed); });
    if (all.length === 0) {
      note(root, 'No runs.', 'empty');
      return;
    }
    var shown = all.slice(0, MAX_RUNS);
    var withDowntime = report.runs.filter(function (r) { return r.unavailableTicks > 0; }).length;
    note(root, num(withDowntime) + ' of ' + num(report.runs.length) + ' runs had time without an established leader (booting counts: a run starts without one).');
    var left = all.length - shown.length;
    note(root, left > 0
      ? 'Showing ' + num(shown.length) + ' of ' + num(all.length) + ' runs, failing ones first, then unknown, then passing, each by seed; ' + num(left) + ' run(s) left out.'
      : 'All ' + num(all.length) + ' runs, failing ones first, then unknown, then passing, each by seed.').attr('class', 'note timeline-count');
    if (report.runs.some(function (r) { return r.windows.length >= 50; })) {
      note(root, 'A run lists at most 50 windows; its total unavailable time is exact.');
    }
    legend(root, [
      { color: 'var(--window)', label: 'no established leader' },
      { color: 'var(--fail)', label: 'failing run' },
      { color: 'var(--unknown)', label: 'unknown verdict' },
      { color: 'var(--pass)', label: 'passing run' },
    ]);
    var rowH = shown.length <= 40 ? 14 : shown.length <= 100 ? 8 : 5;
    var m = { top: 8, right: 20, bottom: 46, left: 90 };
    var plotH = rowH * shown.length;
    var h = m.top + plotH + m.bottom;
    var s = svg(root, h, 'Time without an established leader, per run',
      'One row per run (seed on the vertical axis), simulated time in milliseconds on the horizontal axis; each bar is a window with no established leader.');
    var end = Math.max(report.spec.base && report.spec.base.durationTicks || 0,
      d3.max(shown, function (r) { return d3.max(r.windows, function (w) { return w[1]; }) || 0; }) || 0, 1);
    var x = d3.scaleLinear().domain([0, end]).range([m.left, W - m.right]);
    var y = d3.scaleBand().domain(shown.map(function (r) { return String(r.seed); })).range([m.top, m.top + plotH]).paddingInner(rowH >= 8 ? 0.15 : 0);
    var rowTip = function (r) {
      var st = r.status === 'fail' ? 'failed ' + r.failed.join(', ') : r.status === 'unknown' ? 'unknown: ' + r.unknown.join(', ') : 'passed';
      return 'seed ' + r.seed + ' (' + st + '): no leader for ' + ms(r.unavailableTicks) + ' in ' + r.windows.length + ' window(s)';
    };
    var rows = s.append('g').selectAll('g').data(shown).join('g').attr('class', 'run').attr('data-seed', function (r) { return r.seed; }).attr('data-status', function (r) { return r.status; });
    rows.append('rect').attr('class', function (r) { return 'row ' + r.status; })
      .attr('x', m.left).attr('width', W - m.right - m.left).attr('y', function (r) { return y(String(r.seed)); }).attr('height', y.bandwidth())
      .append('title').text(rowTip);
    rows.append('rect').attr('class', function (r) { return 'status ' + r.status; })
      .attr('x', m.left - 9).attr('width', 6).attr('y', function (r) { return y(String(r.seed)); }).attr('height', y.bandwidth())
      .append('title').text(rowTip);
    rows.selectAll('rect.window').data(function (r) { return r.windows.map(function (w) { return { r: r, w: w }; }); }).join('rect')
      .attr('class', 'window')
      .attr('x', function (d) { return x(d.w[0]); })
      .attr('width', function (d) { return Math.max(1, x(d.w[1]) - x(d.w[0])); })
      .attr('y', function (d) { return y(String(d.r.seed)); }).attr('height', y.bandwidth())
      .append('title').text(function (d) { return 'seed ' + d.r.seed + ': no leader from ' + ms(d.w[0]) + ' to ' + ms(d.w[1]) + ' (' + ms(d.w[1] - d.w[0]) + ')'; });
    var every = Math.ceil(12 / rowH);
    var labelled = shown.filter(function (r, i) { return i % every === 0; }).map(function (r) { return String(r.seed); });
    s.append('g').attr('class', 'axis y').attr('transform', 'translate(' + (m.left - 10) + ',0)')
      .call(d3.axisLeft(y).tickValues(labelled).tickSizeOuter(0));
    s.append('g').attr('class', 'axis x').attr('transform', 'translate(0,' + (m.top + plotH) + ')')
      .call(d3.axisBottom(x).ticks(10).tickFormat(d3.format(',~r')));
    s.append('text').attr('class', 'axis-label').attr('x', (m.left + W - m.right) / 2).attr('y', h - 8).attr('text-anchor', 'middle').text('simulated time (ms)');
    s.append('text').attr('class', 'axis-label').attr('transform', 'translate(14,' + (m.top + plotH / 2) + ') rotate(-90)').attr('text-anchor', 'middle').text('seed');
  });

  section('unavail-hist', function (root) {
    var values = report.runs.map(function (r) { return r.unavailableTicks; });
    if (values.length === 0) {
      note(root, 'No runs.', 'empty');
      return;
    }
    var sorted = values.slice().sort(d3.ascending);
    note(root, 'Per run: median ' + ms(d3.quantileSorted(sorted, 0.5)) + ', max ' + ms(sorted[sorted.length - 1]) + ', over ' + num(values.length) + ' runs.');
    histogram(root, values, {
      title: 'Total time without a leader per run',
      desc: 'Histogram: number of runs by their total time without an established leader, in milliseconds.',
      xLabel: 'total time without a leader in a run (ms)', yLabel: 'runs', noun: 'run', nouns: 'runs',
    });
  });

  // ---- elections ----
  section('elections-hist', function (root) {
    var values = [];
    report.runs.forEach(function (r) { r.elections.forEach(function (e) { values.push(e); }); });
    if (values.length === 0) {
      note(root, 'No completed elections.', 'empty');
      return;
    }
    var sorted = values.slice().sort(d3.ascending);
    var median = d3.quantileSorted(sorted, 0.5);
    var p99 = d3.quantileSorted(sorted, 0.99);
    var runsWith = report.runs.filter(function (r) { return r.elections.length > 0; }).length;
    note(root, num(values.length) + ' completed election(s) in ' + num(runsWith) + ' run(s): median ' + ms(median) + ', p99 ' + ms(p99) + ', max ' + ms(sorted[sorted.length - 1])
      + '. An election runs from losing the leader (or from boot) to the next established leader.');
    histogram(root, values, {
      title: 'Election durations',
      desc: 'Histogram of how long each completed election took, in milliseconds, over all runs; dashed lines mark the median and the 99th percentile.',
      xLabel: 'election duration (ms)', yLabel: 'elections', noun: 'election', nouns: 'elections',
      marks: [
        { value: median, label: 'median ' + ms(median), cls: 'median' },
        { value: p99, label: 'p99 ' + ms(p99), cls: 'p99' },
      ],
    });
  });

  // ---- probes ----
  var neverHit = report.probesNeverHit || [];
  section('probes-chart', function (root) {
    var names = Object.keys(report.probes);
    if (names.length === 0) {
      note(root, 'No probes.', 'empty');
      return;
    }
    note(root, 'For each probe: the runs (of ' + num(report.seeds) + ') in which its situation occurred at least once, and the hits in all runs.');
    hbars(root, names.map(function (p) {
      var c = report.probes[p];
      var never = c.runs === 0;
      var d = describe[p] || '';
      return {
        key: p, label: p, value: c.runs, sub: d,
        cls: never ? 'never-hit' : '',
        valueText: never ? 'never hit' : num(c.runs) + (c.runs === 1 ? ' run' : ' runs') + ' · ' + num(c.hits) + (c.hits === 1 ? ' hit' : ' hits'),
        tip: p + (d ? ': ' + d : '') + ' — ' + (never ? 'never hit' : 'hit in ' + num(c.runs) + ' of ' + num(report.seeds) + ' runs, ' + num(c.hits) + ' hits in all'),
      };
    }), { left: 250, max: report.seeds, sub: true, title: 'Probe coverage', desc: 'Horizontal bars: for each coverage probe, the number of runs that hit it; probes never hit are marked in red.', xLabel: 'runs that hit the probe (of ' + num(report.seeds) + ')' });
  });

  section('probes-never-hit', function (root) {
    if (neverHit.length === 0) {
      note(root, 'Every probe was hit in at least one run.', 'empty');
      return;
    }
    note(root, num(neverHit.length) + ' probe(s) never hit: the sweep never reached these situations, so the checks say nothing about them.');
    var li = root.append('ul').attr('class', 'never-hit').selectAll('li').data(neverHit).join('li').attr('data-probe', function (p) { return p; });
    li.append('code').text(function (p) { return p; });
    li.append('span').text(function (p) { return describe[p] ? ' — ' + describe[p] : ''; });
  });

  document.body.setAttribute('data-render-errors', String(errors));
})();
`;

/** The sweep's report as a standalone HTML page (d3 and the data inlined; nothing is fetched). */
export function exploreReportHtml(report: ExploreReport, timing: ExploreTiming | undefined, d3Source: string): string {
  const d3 = scriptJs(d3Source);
  const payload = { report, timing: timing ?? null, probeDescriptions: PROBES, maxTimelineRuns: MAX_TIMELINE_RUNS };
  const { start, runs } = report.spec;
  const range = runs > 0 ? `seeds ${start}–${start + runs - 1}` : 'no seeds';
  const name = report.spec.base?.name ?? 'sweep';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="zksim ${esc(report.zksim)}">
<title>zksim explore: ${esc(name)}, ${esc(range)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>zksim explore: ${esc(name)}</h1>
<div id="header-info"></div>
</header>
<noscript><p>This report draws its charts with JavaScript (d3 is included in the page). The data is in the script element with id "explore-data".</p></noscript>
<main>
<section id="failures" aria-labelledby="failures-h">
<h2 id="failures-h">Failures by check</h2>
<div id="failures-chart"></div>
<h3>Failure groups (shrunk)</h3>
<div id="failures-table"></div>
</section>
<section id="unavailability" class="long" aria-labelledby="unavailability-h">
<h2 id="unavailability-h">Unavailability: time with no established leader</h2>
<div id="unavail-timeline"></div>
<h3>Total time without a leader per run</h3>
<div id="unavail-hist"></div>
</section>
<section id="elections" aria-labelledby="elections-h">
<h2 id="elections-h">Election durations</h2>
<div id="elections-hist"></div>
</section>
<section id="probes" class="long" aria-labelledby="probes-h">
<h2 id="probes-h">Probe coverage</h2>
<div id="probes-chart"></div>
<h3>Probes never hit</h3>
<div id="probes-never-hit"></div>
</section>
</main>
<script type="application/json" id="explore-data">${scriptJson(payload)}</script>
<script>${d3}</script>
<script>${CLIENT_JS}</script>
</body>
</html>
`;
}
