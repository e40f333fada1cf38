/**
 * The viewer's performance ([viz]): a trace of at least 100k events (the ZooKeeper ensemble with
 * clients, lengthened until it has them) opened by `zksim viz` in headless Chromium. Measured in
 * the page: load (parse, index, first frame), 200 seeks to random events (p50, p95), the JS heap
 * after a garbage collection. The baseline, measured in the same run, is the same parse and index
 * in Node (the model is the same code).
 *
 *   npm run build && node dist/bench/viz.js [--events 100000]
 *
 * Targets: load and index ≤ 1.5 s, seek p95 ≤ 50 ms, heap ≤ 300 MB.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../sim/scenario/load.js';
import { runScenario } from '../sim/scenario/simulation.js';
import { FileSink } from '../sim/cli/file-sink.js';
import { parseTrace } from '../viz/model/trace-model.js';
import { median, now, repoRoot } from './common.js';

interface PageWindow {
  zksimViz: { seek(i: number): void; model: { events: unknown[] } };
}
declare const window: PageWindow;
declare const performance: { now(): number; memory?: { usedJSHeapSize: number } };

const i = process.argv.indexOf('--events');
const want = i >= 0 ? Number(process.argv[i + 1]) : 100_000;
const ROOT = repoRoot();
const dir = mkdtempSync(join(tmpdir(), 'zksim-viz-bench-'));
const tracePath = join(dir, 'big.ndjson');

// A trace with at least `want` events: the clients scenario, lengthened.
const base = parseScenario(readFileSync(join(ROOT, 'scenarios', 'zk-clients.json'), 'utf8'), 'zk-clients.json');
let duration = base.durationTicks;
let events = 0;
for (;;) {
  const sink = new FileSink(tracePath);
  const r = runScenario({ ...base, name: 'viz-bench', durationTicks: duration }, { sink });
  events = r.events;
  if (events >= want) break;
  duration = Math.ceil((duration * want * 1.05) / Math.max(1, events) / 1000) * 1000;
}
const text = readFileSync(tracePath, 'utf8');
process.stdout.write(`trace: ${events.toLocaleString('en-US')} events, ${(text.length / 1e6).toFixed(1)} MB (${duration / 1000} s simulated)\n`);

// Baseline: the same model in Node.
const nodeMs: number[] = [];
for (let k = 0; k < 3; k++) {
  const t = now();
  parseTrace(text);
  nodeMs.push(now() - t);
}

const server = spawn(process.execPath, [join(ROOT, 'bin', 'zksim.js'), 'viz', tracePath, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((ok) => {
  let out = '';
  server.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
    const m = /serving on (\S+)/.exec(out);
    if (m !== null) ok(m[1]);
  });
});

const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--enable-precise-memory-info'] });
const loads: number[] = [];
let seeks: number[] = [];
let heapMb = 0;
try {
  for (let k = 0; k < 3; k++) {
    const page = await browser.newPage();
    const t = now();
    await page.goto(url);
    await page.waitForSelector('body[data-load-ms]', { timeout: 120_000 });
    const wall = now() - t;
    const inPage = Number(await page.getAttribute('body', 'data-load-ms'));
    loads.push(inPage);
    process.stdout.write(`load ${k + 1}: ${inPage} ms in the page (parse, index, first frame); ${Math.round(wall)} ms from navigation\n`);
    if (k === 2) {
      seeks = await page.evaluate(() => {
        const n = window.zksimViz.model.events.length;
        let x = 12345;
        const out: number[] = [];
        for (let j = 0; j < 200; j++) {
          x = (x * 1103515245 + 12345) % 2147483648;
          const t0 = performance.now();
          window.zksimViz.seek(x % n);
          out.push(performance.now() - t0);
        }
        return out;
      });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('HeapProfiler.collectGarbage');
      const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      heapMb = usage.usedSize / 1e6;
    }
    await page.close();
  }
} finally {
  await browser.close();
  server.kill();
}

const sorted = [...seeks].sort((a, b) => a - b);
const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const load = median(loads);
const baseline = median(nodeMs);
const rows = [
  ['load and index (median of 3)', `${Math.round(load)} ms`, '≤ 1500 ms', load <= 1500 ? 'met' : 'NOT met'],
  ['the same in Node (baseline)', `${Math.round(baseline)} ms`, '', `page ${(load / baseline).toFixed(2)}× baseline`],
  ['seek p50 / p95 (200 random events)', `${p(0.5).toFixed(1)} / ${p(0.95).toFixed(1)} ms`, 'p95 ≤ 50 ms', p(0.95) <= 50 ? 'met' : 'NOT met'],
  ['JS heap after GC', `${heapMb.toFixed(0)} MB`, '≤ 300 MB', heapMb <= 300 ? 'met' : 'NOT met'],
];
process.stdout.write(`\n| measure | value | target | |\n|---|---:|---|---|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`);
writeFileSync(join(dir, 'result.json'), JSON.stringify({ events, load, baseline, seekP50: p(0.5), seekP95: p(0.95), heapMb }));
process.exit(0);
