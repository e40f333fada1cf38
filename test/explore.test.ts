import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ddmin, shrinkScenario } from '../sim/explore/shrink.js';
import { concreteScenario, countFaults, exploreRun } from '../sim/explore/explore-run.js';
import { parseShard, shardSeeds } from '../sim/explore/seeds.js';
import type { ExploreReport } from '../sim/explore/report.js';
import { validateScenario } from '../sim/scenario/load.js';
import type { Scenario } from '../sim/scenario/schema.js';
import { ROOT, scenarioFile, tempDir, zksim } from './helpers/cli.js';

/** A small base for sweeps in tests: 12 s, faults in the first 6 s. */
const SMALL_BASE: Scenario = validateScenario(
  {
    version: 1,
    name: 'small',
    seed: 1,
    durationTicks: 12_000,
    servers: 3,
    protocol: { kind: 'zookeeper', tickTimeMs: 500, clients: { count: 2, sessionTimeoutMs: 4000 } },
    faults: { swarm: { quietTicks: 6000 } },
    checks: { liveness: { settleTicks: 5000 } },
  },
  'small',
);

function withoutTiming(path: string): Omit<ExploreReport, 'shards'> {
  const { timing: _t, shards: _s, ...rest } = JSON.parse(readFileSync(path, 'utf8')) as ExploreReport & { timing: unknown };
  return rest;
}

describe('seed shards', () => {
  it('n shards cover exactly the seeds of one unsharded sweep, each once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 12 }), (start, runs, n) => {
        const all = shardSeeds(start, runs, undefined);
        const parts = Array.from({ length: n }, (_, k) => shardSeeds(start, runs, { index: k + 1, count: n }));
        const union = parts.flat().sort((a, b) => a - b);
        expect(union).toEqual(all);
        expect(new Set(union).size).toBe(union.length);
      }),
    );
  });

  it('rejects malformed shard specifications', () => {
    expect(() => parseShard('0/3')).toThrow(/between 1 and n/);
    expect(() => parseShard('4/3')).toThrow(/between 1 and n/);
    expect(() => parseShard('2of3')).toThrow(/k\/n/);
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
  });
});

describe('ddmin', () => {
  it('returns a 1-minimal sublist that still satisfies the test', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 3 }), (items, need) => {
        const required = items.slice(0, Math.min(need, items.length));
        const test = (s: number[]): boolean => required.every((r) => s.includes(r));
        const out = ddmin(items, test);
        expect(test(out)).toBe(true);
        // 1-minimal: removing any single element breaks it.
        for (let i = 0; i < out.length; i++) expect(test(out.filter((_, j) => j !== i))).toBe(false);
        expect(out.length).toBe(required.length);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the order of the original list', () => {
    const out = ddmin([5, 1, 9, 3, 7], (s) => s.includes(9) && s.includes(7));
    expect(out).toEqual([9, 7]);
  });
});

describe('a swarm run', () => {
  it('writes its faults out as an explicit schedule that replays the same run', () => {
    const concrete = concreteScenario(SMALL_BASE, 7);
    expect(Array.isArray(concrete.faults)).toBe(true);
    expect(countFaults(concrete)).toBeGreaterThan(0);
    const a = exploreRun(SMALL_BASE, 7);
    const b = exploreRun(concrete);
    expect(b.traceHash).not.toBe(''); // headers differ (swarm block vs list), the runs must not:
    expect(b.events).toBe(a.events);
    expect(b.probes).toEqual(a.probes);
    expect(b.availability).toEqual(a.availability);
  });

  it('counts probes and availability: a minority partition with the leader makes it step down, and it resyncs by snapshot', () => {
    const file = join(ROOT, 'scenarios', 'zk-minority-partition-with-leader.json');
    const s = validateScenario(JSON.parse(readFileSync(file, 'utf8')), file);
    const r = exploreRun(s);
    expect(r.status).toBe('pass');
    expect(r.probes['leader-lost-quorum']).toBeGreaterThan(0);
    expect(r.probes['sync-snap']).toBeGreaterThan(0);
    expect(r.probes['sync-trunc']).toBeUndefined();
    // Boot is the first window; every window is accounted for in the total.
    expect(r.availability.windows[0][0]).toBe(0);
    expect(r.availability.elections.length).toBeGreaterThanOrEqual(1);
    let total = 0;
    for (const [from, to] of r.availability.windows) {
      expect(to).toBeGreaterThanOrEqual(from);
      total += to - from;
    }
    expect(r.availability.unavailableTicks).toBe(total);
  });
});

describe('shrinking', () => {
  it('reduces a failing run (planted bug) to fewer faults and client operations, failing the same check', () => {
    const base = { ...SMALL_BASE, bugs: ['ephemerals-survive-expiry'] } as Scenario;
    let seed = 0;
    let failing: ReturnType<typeof exploreRun> | undefined;
    for (let s = 1; s <= 60 && failing === undefined; s++) {
      const r = exploreRun(base, s);
      if (r.status === 'fail') {
        seed = s;
        failing = r;
      }
    }
    expect(failing, 'the planted bug should fail some seed of 1..60').toBeDefined();
    const check = failing!.failed[0];
    const original = concreteScenario(base, seed);
    const shrunk = shrinkScenario(original, { check, maxRuns: 300 });
    const after = exploreRun(shrunk.scenario);
    expect(after.failed).toContain(check);
    expect(after.faults).toBeLessThanOrEqual(failing!.faults);
    expect(after.faults + after.clientOps).toBeLessThan(failing!.faults + failing!.clientOps);
  });
});

describe('zksim explore (CLI)', () => {
  it('shards merge to exactly the unsharded report, and the pool gives what one thread gives', () => {
    const dir = tempDir();
    const base = scenarioFile(dir, 'small.json', SMALL_BASE);
    const common = ['explore', '--scenario', base, '--runs', '12', '--seed', '5', '--inject-bug', 'read-uncommitted', '--max-shrinks', '1', '--shrink-runs', '60', '-q'];
    const whole = zksim([...common, '--workers', '1', '--out', join(dir, 'whole')]);
    expect(whole.code, whole.stderr).toBe(1);
    const pooled = zksim([...common, '--workers', '2', '--out', join(dir, 'pooled')]);
    expect(pooled.code, pooled.stderr).toBe(1);
    expect(withoutTiming(join(dir, 'pooled', 'report.json'))).toEqual(withoutTiming(join(dir, 'whole', 'report.json')));
    for (const k of [1, 2, 3]) {
      const r = zksim([...common, '--workers', '1', '--shard', `${k}/3`, '--out', join(dir, `shard${k}`)]);
      expect(r.code, r.stderr).toBe(1);
    }
    const merged = zksim(['explore', 'merge', join(dir, 'shard1'), join(dir, 'shard2'), join(dir, 'shard3'), '--out', join(dir, 'merged')]);
    expect(merged.code, merged.stderr).toBe(1);
    expect(merged.stdout).toContain('3 shards');
    const m = JSON.parse(readFileSync(join(dir, 'merged', 'report.json'), 'utf8')) as ExploreReport;
    expect(m.shards).toBe(3);
    expect(withoutTiming(join(dir, 'merged', 'report.json'))).toEqual(withoutTiming(join(dir, 'whole', 'report.json')));
    // Each failure group comes with a repro that fails when run, and its trace.
    expect(m.failures.length).toBeGreaterThan(0);
    for (const g of m.failures) {
      const repro = join(dir, 'merged', g.dir, 'repro.json');
      const run = zksim(['run', repro, '--no-trace']);
      expect(run.code, run.stdout).toBe(1);
      expect(run.stdout).toContain(`FAIL  ${g.check}`);
      expect(readFileSync(join(dir, 'merged', g.dir, 'trace.ndjson'), 'utf8').length).toBeGreaterThan(0);
    }
    // Merging a shard twice is refused.
    const twice = zksim(['explore', 'merge', join(dir, 'shard1'), join(dir, 'shard1'), '--out', join(dir, 'bad')]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/appears in two reports/);
  }, 120_000);

  it('a clean sweep exits 0 and names the probes it never hit', () => {
    const dir = tempDir();
    const base = scenarioFile(dir, 'small.json', SMALL_BASE);
    const r = zksim(['explore', '--scenario', base, '--runs', '6', '--workers', '1', '--out', join(dir, 'o')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/passed 6, failed 0/);
    expect(r.stdout).toMatch(/probes never hit: .*server-refused-to-start/);
    const report = JSON.parse(readFileSync(join(dir, 'o', 'report.json'), 'utf8')) as ExploreReport;
    expect(report.seeds).toBe(6);
    expect(report.runs.map((x) => x.seed)).toEqual([1, 2, 3, 4, 5, 6]);
  }, 60_000);

  it('bad options get a clear error and exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['explore', '--shard', '4/3'], /--shard: .*between 1 and n/],
      [['explore', '--faults', 'meteor'], /--faults: unknown fault kind "meteor"/],
      [['explore', '--inject-bug', 'nope'], /--inject-bug: unknown bug "nope"/],
      [['explore', '--runs', '0'], /--runs: expected an integer ≥ 1/],
      [['explore', '--duration', '10000'], /--duration 10000: the base's swarm keeps the last 15000 ticks quiet/],
      [['explore', 'merge', '/nonexistent-dir'], /cannot read explore report/],
    ];
    for (const [args, msg] of cases) {
      const r = zksim(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });
});
