import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPLORE_BASE } from '../sim/explore/default-base.js';
import { exploreReportHtml, MAX_TIMELINE_RUNS } from '../sim/explore/html-report.js';
import { d3Source } from '../sim/cli/d3-source.js';
import { PROBE_NAMES, type ProbeCounts } from '../sim/explore/probes.js';
import { buildReport, type ExploreTiming, type RunRow, type ShrunkFailure, type SweepSpec } from '../sim/explore/report.js';

/*
 * The page's globals, for the callback of page.evaluate (it runs in the browser). Declared here,
 * module-scoped, because the project compiles without the DOM lib and should stay that way for sim/.
 */
interface PageElement {
  textContent: string | null;
  firstChild: PageElement | null;
  getAttribute(name: string): string | null;
  closest(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
}
declare const document: {
  body: PageElement;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
  getElementById(id: string): PageElement | null;
};
declare const window: { d3?: { version: string }; __pwned?: number };
declare function getComputedStyle(e: PageElement): { fill: string };

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ON_CI = process.env.CI === 'true';

/** Text that would run script or inject markup if the page ever treated data as HTML. */
const HOSTILE = '</script><img src=x onerror="window.__pwned=1"><!--';

const START = 100;
const RUNS = 230; // more than the timeline draws, so some rows are left out
const FAILING: Record<number, string[]> = { 105: ['linearizability'], 140: ['linearizability', 'lock-safety'], 200: ['lock-safety'] };
const UNKNOWN = new Set([150]);
/** Probes the synthetic runs hit; every other probe is never hit. */
const HIT: ProbeCounts = { 'sync-diff': 3, 'session-expired': 1, 'follower-read-timeout': 2 };

function row(seed: number): RunRow {
  const failed = FAILING[seed] ?? [];
  const status = failed.length > 0 ? 'fail' : UNKNOWN.has(seed) ? 'unknown' : 'pass';
  const boot = 300 + (seed % 7) * 40;
  const windows: [number, number][] = [[0, boot]];
  const elections = [boot];
  if (seed % 3 === 0) {
    const from = 5000 + (seed % 11) * 100;
    windows.push([from, from + 800 + (seed % 5) * 300]);
    elections.push(800 + (seed % 5) * 300);
  }
  if (status === 'fail') windows.push([29_000, 30_000]); // ends with the run, no election
  const probes: ProbeCounts = seed % 4 === 0 ? { ...HIT } : seed % 4 === 1 ? { 'sync-diff': 1 } : {};
  return {
    seed,
    status,
    failed,
    unknown: UNKNOWN.has(seed) ? ['linearizability'] : [],
    ...(failed.length > 0 ? { first: seed === 105 ? HOSTILE : `violation at seed ${seed}` } : {}),
    unavailableTicks: windows.reduce((n, [a, b]) => n + b - a, 0),
    windows,
    elections,
    probes,
  };
}

function shrunk(seed: number, check: string, signature: string, first: string): ShrunkFailure {
  return { seed, check, signature, first, faultsBefore: 12, faultsAfter: 2, opsBefore: 340, opsAfter: 6, shrinkRuns: 41, exhausted: seed === 200 };
}

function fixture() {
  const spec: SweepSpec = {
    base: { ...DEFAULT_EXPLORE_BASE, description: `reference run ${HOSTILE}`, bugs: ['commit-before-quorum'] },
    baseHash: '0123456789abcdef',
    start: START,
    runs: RUNS,
    shard: null,
    maxShrinks: 2,
    shrinkRuns: 50,
  };
  const rows = Array.from({ length: RUNS }, (_, i) => row(START + i));
  const report = buildReport('0.1.0-test', spec, 1, rows, [
    shrunk(105, 'linearizability', 'linearizability-aaaa1111', HOSTILE),
    shrunk(140, 'linearizability', 'linearizability-aaaa1111', 'violation at seed 140'),
    shrunk(200, 'lock-safety', 'lock-safety-bbbb2222', 'two holders'),
  ]);
  const timing: ExploreTiming = { wallMs: 12_345, workers: 4, seedsPerHour: 67_000, shrinkMs: [800, 1500] };
  return { report, timing };
}

function embeddedJson(html: string): string {
  const m = /<script type="application\/json" id="explore-data">([\s\S]*?)<\/script>/.exec(html);
  if (m === null) throw new Error('no explore-data script element');
  return m[1];
}

describe('explore HTML report', () => {
  const { report, timing } = fixture();
  const html = exploreReportHtml(report, timing, d3Source());

  it('the fixture is what the assertions below assume', () => {
    expect(report.failed).toBe(3);
    expect(report.unknown).toBe(1);
    expect(report.failures.map((f) => [f.signature, f.seeds])).toEqual([
      ['linearizability-aaaa1111', [105, 140]],
      ['lock-safety-bbbb2222', [200]],
    ]);
    expect(report.probesNeverHit).toEqual(PROBE_NAMES.filter((p) => HIT[p] === undefined));
  });

  it('is self-contained: the report JSON and d3 inlined, no external scripts or styles', () => {
    const raw = embeddedJson(html);
    expect(raw).not.toContain('</');
    expect(raw).not.toContain('<!--');
    const payload = JSON.parse(raw);
    expect(payload.report).toEqual(report);
    expect(payload.timing).toEqual(timing);
    const d3Text = readFileSync(join(dirname(createRequire(import.meta.url).resolve('d3')), 'd3.min.js'), 'utf8');
    expect(html).toContain(d3Text);
    expect(html).not.toMatch(/<script[^>]*\bsrc\s*=/i);
    expect(html).not.toMatch(/<link[^>]*\bhref\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//i);
    // data reaches the page only inside the JSON, where `</` and `<!--` are escaped
    expect(html).not.toContain(HOSTILE);
  });

  it('escapes the scenario name in the static markup', () => {
    const spec = { ...report.spec, base: { ...report.spec.base, name: 'a<b>&"c' } };
    const out = exploreReportHtml({ ...report, spec }, undefined, d3Source());
    expect(out).toContain('<h1>zksim explore: a&lt;b&gt;&amp;&quot;c</h1>');
    expect(JSON.parse(embeddedJson(out)).timing).toBeNull();
  });

  // The charts are drawn in the browser, so only a browser shows that they are.
  it.skipIf(!HAVE_CHROMIUM && !ON_CI)('renders its charts in headless Chromium', async () => {
    if (!HAVE_CHROMIUM) throw new Error(`CI=true but ${CHROMIUM} does not exist: install Chromium (apt-get install -y chromium) so the HTML report is checked in a real browser`);
    const { chromium } = await import('playwright-core');
    const dir = mkdtempSync(join(tmpdir(), 'zksim-explore-html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
      });
      page.on('request', (r) => requests.push(r.url()));
      const url = pathToFileURL(file).href;
      await page.goto(url, { waitUntil: 'load' });

      const state = await page.evaluate(() => {
        const q = (sel: string) => [...document.querySelectorAll(sel)];
        const tallBars = (sel: string) => q(sel).filter((r) => Number(r.getAttribute('height')) > 0 && Number(r.getAttribute('width')) > 0).length;
        return {
          renderErrors: document.body.getAttribute('data-render-errors'),
          errorNotes: q('.render-error').map((e) => e.textContent),
          d3Version: window.d3?.version,
          pwned: window.__pwned,
          images: q('img').length,
          svgs: q('svg').length,
          svgRects: q('svg rect').length,
          svgTitles: q('svg > title').map((t) => t.textContent),
          headerText: document.getElementById('header-info')?.textContent ?? '',
          failureBars: q('#failures-chart rect.bar').map((r) => [r.closest('g.item')?.getAttribute('data-key'), Number(r.getAttribute('width')) > 0]),
          tableRows: q('#failures-table tbody tr').map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
          reproLinks: q('#failures-table a').map((a) => a.getAttribute('href')),
          timelineRows: q('#unavail-timeline g.run').map((g) => [Number(g.getAttribute('data-seed')), g.getAttribute('data-status')]),
          timelineWindows: tallBars('#unavail-timeline rect.window'),
          timelineNote: document.querySelector('#unavail-timeline .timeline-count')?.textContent ?? '',
          unavailBars: tallBars('#unavail-hist rect.bar'),
          electionBars: tallBars('#elections-hist rect.bar'),
          electionMarks: q('#elections-hist .mark text').map((t) => t.textContent),
          electionAxes: q('#elections-hist .axis-label').map((t) => t.textContent),
          probeBars: q('#probes-chart rect.bar').length,
          probeHitBars: tallBars('#probes-chart rect.bar'),
          neverHitLabels: q('#probes-chart text.label.never-hit').map((t) => t.firstChild?.textContent),
          neverHitFill: (() => {
            const t = document.querySelector('#probes-chart text.label.never-hit');
            return t === null ? null : getComputedStyle(t).fill;
          })(),
          neverHitList: q('#probes-never-hit li').map((li) => li.getAttribute('data-probe')),
          neverHitText: document.getElementById('probes-never-hit')?.textContent ?? '',
        };
      });

      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      expect(state.renderErrors).toBe('0');
      expect(state.errorNotes).toEqual([]);
      expect(state.d3Version).toMatch(/^7\./);
      expect(state.pwned).toBeUndefined();
      expect(state.images).toBe(0);
      expect(state.svgs).toBe(5);
      expect(state.svgRects).toBeGreaterThan(0);
      expect(state.svgTitles.every((t) => (t ?? '').length > 0)).toBe(true);

      expect(state.headerText).toContain('explore');
      expect(state.headerText).toContain('100 … 329 (230 seeds)');
      expect(state.headerText).toContain('commit-before-quorum');
      expect(state.headerText).toContain(HOSTILE); // shown as text, not parsed
      expect(state.headerText).toContain('seeds/hour');

      expect(state.failureBars).toEqual([
        ['linearizability', true],
        ['lock-safety', true],
      ]);
      expect(state.tableRows).toHaveLength(2);
      expect(state.tableRows[0].slice(0, 5)).toEqual(['linearizability-aaaa1111', 'linearizability', '105, 140', '12 → 2', '340 → 6']);
      expect(state.tableRows[0][7]).toBe(HOSTILE);
      expect(state.tableRows[1][5]).toContain('budget used up');
      expect(state.reproLinks).toEqual(['failures/linearizability-aaaa1111/repro.json', 'failures/lock-safety-bbbb2222/repro.json']);

      expect(state.timelineRows).toHaveLength(MAX_TIMELINE_RUNS);
      expect(state.timelineRows.slice(0, 5)).toEqual([
        [105, 'fail'],
        [140, 'fail'],
        [200, 'fail'],
        [150, 'unknown'],
        [100, 'pass'],
      ]);
      expect(state.timelineWindows).toBeGreaterThanOrEqual(MAX_TIMELINE_RUNS);
      expect(state.timelineNote).toContain(`${RUNS - MAX_TIMELINE_RUNS} run(s) left out`);
      expect(state.unavailBars).toBeGreaterThan(0);

      expect(state.electionBars).toBeGreaterThan(0);
      expect(state.electionMarks).toHaveLength(2);
      expect(state.electionMarks[0]).toMatch(/^median [\d,.]+ ms$/);
      expect(state.electionMarks[1]).toMatch(/^p99 [\d,.]+ ms$/);
      expect(state.electionAxes).toEqual(['election duration (ms)', 'elections']);

      expect(state.probeBars).toBe(PROBE_NAMES.length);
      expect(state.probeHitBars).toBe(Object.keys(HIT).length);
      expect(state.neverHitLabels).toEqual(report.probesNeverHit);
      expect(state.neverHitFill).toBe('rgb(198, 40, 40)');
      expect(state.neverHitList).toEqual(report.probesNeverHit);
      expect(state.neverHitList).toContain('sync-trunc');
      expect(state.neverHitList).not.toContain('sync-diff');
      expect(state.neverHitText).toContain('a learner synced by TRUNC');
    } finally {
      await browser.close();
    }
  });
});
