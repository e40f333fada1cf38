import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../sim/kernel/trace/events.js';
import { formatEvent } from '../sim/kernel/trace/format.js';
import { parseScenario } from '../sim/scenario/load.js';
import { Simulation } from '../sim/scenario/simulation.js';
import { ROOT } from './helpers/cli.js';

/** The kinds that make a run's skeleton: faults and what they did to nodes. */
const SKELETON = new Set(['fault', 'heal', 'crash', 'boot', 'pause', 'resume', 'clock', 'connect-failed', 'role', 'end']);
const MAX_SKELETON_LINES = 150;

const files = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.json'));

describe('scenario library', () => {
  it('has the scenarios this test expects to cover', () => {
    expect(files.length).toBeGreaterThanOrEqual(54);
    expect(files).toContain('default.json');
  });

  for (const file of files) {
    it(`${file} meets its expectations and matches its golden trace summary`, async () => {
      const scenario = parseScenario(readFileSync(join(ROOT, 'scenarios', file), 'utf8'), file);
      const sim = new Simulation(scenario);
      const skeleton: string[] = [];
      sim.trace.subscribe((e: TraceEvent) => {
        if (SKELETON.has(e.kind) && skeleton.length < MAX_SKELETON_LINES) skeleton.push(formatEvent(e));
      });
      const r = sim.run();
      for (const e of r.expectations) expect(e.met, `${e.check}: expected ${e.expected}, got ${e.actual}`).toBe(true);
      const golden = [
        `scenario ${r.scenario} seed ${r.seed}`,
        `events ${r.events} kernel-events ${r.kernelEvents} hash ${r.traceHash}`,
        ...r.verdicts.map((v) => `${v.status.toUpperCase()} ${v.check}: ${v.summary}`),
        '--- skeleton (faults, crashes, boots, pauses, clocks, failed connects, roles) ---',
        ...skeleton,
        '',
      ].join('\n');
      await expect(golden).toMatchFileSnapshot(join(ROOT, 'test', 'golden', file.replace(/\.json$/, '.txt')));
    });
  }
});
