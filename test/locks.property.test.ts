// Property runs of the ZooKeeper lock recipe ([locks] part 5): generated lock workloads (2–6
// clients on the standard lock) under generated fault schedules over a 3-server ensemble —
// partitions (one server, the leader cut from the other servers, a node isolated from everyone),
// kill -9 and power loss of servers with restart, GC pauses of lock clients shorter and longer
// than their session timeout, wall-clock jumps on clients and servers.
//
// On a failure the report prints the fast-check seed and path and writes the shrunk
// counterexample as a scenario file (its `expect` block records the failing verdicts), so
// `node bin/zksim.js run <file>` reproduces it (ZKSIM_COUNTEREXAMPLES sets the folder; default
// <tmpdir>/zksim-counterexamples). Runs: 150 + 120 + 120 generated cases (about 20 s in all);
// LOCK_RUNS=k multiplies them. Throughput: bench/lock-property.ts.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../sim/scenario/load.js';
import { runScenario } from '../sim/scenario/simulation.js';
import { ROOT, tempDir, zksim } from './helpers/cli.js';
import {
  checkLockProperty,
  describeReport,
  judge,
  lockCaseArb,
  quietNeeded,
  requirePass,
  toScenario,
  type LockCase,
  type Outcome,
  type PropertyReport,
} from './helpers/lock-property.js';

const SCALE = Number(process.env.LOCK_RUNS ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
/**
 * A fixed fast-check seed by default, so a CI run is repeatable and main stays green until code
 * changes; LOCK_SEED=random explores new cases (how the regressions below were found), or
 * LOCK_SEED=N replays one exploration.
 */
const SEED = process.env.LOCK_SEED === 'random' ? undefined : Number(process.env.LOCK_SEED ?? 20261125);
const settings = (n: number) => ({ numRuns: runs(n), ...(SEED !== undefined ? { seed: SEED } : {}) });

function assertReport(r: PropertyReport): void {
  console.log(describeReport(r));
  if (r.failed) throw new Error(describeReport(r));
}

describe('the standard ZooKeeper lock under generated faults', () => {
  it('with fencing the resource never accepts a stale write, and the ZAB invariants hold, whatever the faults (standard lock and reentrant mutex)', () => {
    // lock-exclusion is not asserted: a client paused past its session timeout still believes it
    // holds the lock when it wakes (any lease-based lock); fencing is what keeps the data safe.
    const r = checkLockProperty('fenced-safety', lockCaseArb({ recipes: ['standard', 'reentrant'] }), (c) => requirePass(judge(toScenario(c)), ['lock-fencing', 'zab-invariants']), {
      ...settings(150),
    });
    assertReport(r);
  }, 120_000);

  it('with only server-side faults (no client pauses or clock jumps) never two clients believe they hold the lock', () => {
    const r = checkLockProperty(
      'server-faults-exclusion',
      lockCaseArb({ clientFaults: false }),
      (c) => requirePass(judge(toScenario(c)), ['lock-exclusion', 'lock-fencing', 'zab-invariants']),
      settings(120),
    );
    assertReport(r);
  }, 120_000);

  it('once the faults heal, waiters are served again (acquisitions after the last fault activity)', () => {
    let judged = 0;
    const r = checkLockProperty(
      'served-after-heal',
      lockCaseArb(),
      (c): Outcome => {
        const j = judge(toScenario(c));
        const need = quietNeeded(c);
        if (j.quiet < need) return { ok: true, message: `only ${j.quiet} quiet ticks (need ${need}): not judged`, judged: j };
        judged++;
        return {
          ok: j.acquisitionsAfterFaults > 0,
          message: `${j.acquisitionsAfterFaults} acquisitions in the ${j.quiet} quiet ticks after the last fault activity at ${j.quietFrom} (${j.acquisitions} in all; needed quiet ${need}); lock nodes at the end: ${j.lockNodes.map((n) => `${n.name}@${n.owner}`).join(' ') || 'none'}`,
          judged: j,
        };
      },
      settings(120),
    );
    assertReport(r);
    console.log(`served-after-heal: ${judged} run(s) judged`);
    // The generated runs leave the quiet time by construction: nearly all are judged.
    expect(judged).toBeGreaterThanOrEqual(Math.floor(r.numRuns * 0.9));
  }, 120_000);
});

describe('a failing property is reported, shrunk, written and reproducible', () => {
  it('the unfenced resource with a pause longer than the session timeout accepts a stale write: caught, shrunk and replayed', () => {
    const dir = tempDir();
    // Deliberately false: without fencing a paused holder's late writes get through.
    const arb = lockCaseArb({ clients: { min: 2, max: 4 }, pauses: 'long', minFaults: 1, maxFaults: 3 });
    const property = (c: LockCase) => requirePass(judge(toScenario(c, { fencing: false })), ['lock-fencing']);
    const r = checkLockProperty('unfenced-long-pause', arb, property, { numRuns: 200, seed: 4242 }, dir);
    console.log(describeReport(r));
    expect(r.failed).toBe(true);
    expect(r.error).toBeUndefined();
    expect(r.path).toMatch(/^\d+(:\d+)*$/);
    expect(r.file).toBeDefined();
    expect(r.outcome!.judged.verdicts['lock-fencing'].status).toBe('fail');
    // Shrunk: a long pause of a lock client remains, and every fault left is needed — without any
    // one of them the stale write no longer gets through (1-minimal).
    const shrunk = r.counterexample!;
    expect(shrunk.faults.some((f) => f.kind === 'client-pause')).toBe(true);
    shrunk.faults.forEach((_, i) => {
      const without = { ...shrunk, faults: shrunk.faults.filter((_f, k) => k !== i) };
      expect(requirePass(judge(toScenario(without, { fencing: false })), ['lock-fencing']).ok, `fault ${i} of the shrunk case is not needed`).toBe(true);
    });

    // The file is a valid scenario that replays to the same failing verdict, in-process ...
    const text = readFileSync(r.file!, 'utf8');
    const scenario = parseScenario(text, r.file!);
    expect(scenario.expect?.['lock-fencing']).toBe('fail');
    const again = runScenario(scenario);
    expect(again.verdicts.find((v) => v.check === 'lock-fencing')!.status).toBe('fail');
    expect(again.traceHash).toBe(r.outcome!.judged.result.traceHash);
    expect(again.ok).toBe(true); // every verdict as recorded in `expect`
    // ... and through the command line.
    const cli = zksim(['run', r.file!, '--no-trace', '--json']);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const out = JSON.parse(cli.stdout) as { traceHash: string; verdicts: { check: string; status: string }[] };
    expect(out.traceHash).toBe(again.traceHash);
    expect(out.verdicts.find((v) => v.check === 'lock-fencing')!.status).toBe('fail');

    // And the same case with fencing is safe: the stale writes are rejected.
    const fenced = judge(toScenario(r.counterexample!));
    expect(fenced.verdicts['lock-fencing'].status).toBe('pass');
  }, 60_000);

  it('regression: the stall these runs found (an orphan lock node after a lost create reply) is gone with the guid step', () => {
    // test/fixtures/lock-orphan-stall.json was the shrunk counterexample of served-after-heal: the
    // recipe retried a create whose reply was lost, and its own orphan node then blocked the lock
    // for good. The recipe now looks for its guid before creating again (ZooKeeper's lock recipe).
    const file = join(ROOT, 'test', 'fixtures', 'lock-orphan-stall.json');
    const j = judge(parseScenario(readFileSync(file, 'utf8'), file));
    expect(j.quiet).toBeGreaterThan(40_000);
    expect(j.acquisitionsAfterFaults).toBeGreaterThan(0);
    expect(j.orphans).toEqual([]);
  });

  it('regression: a lost create applied after the guid check left an orphan with our own guid; the recipe now deletes it', () => {
    // test/fixtures/lock-guid-race.json: the shrunk counterexample of served-after-heal once the
    // guid step was in (two nodes with one guid, the older one blocking the lock for good).
    const file = join(ROOT, 'test', 'fixtures', 'lock-guid-race.json');
    const j = judge(parseScenario(readFileSync(file, 'utf8'), file));
    expect(j.acquisitionsAfterFaults).toBeGreaterThan(0);
    expect(j.orphans).toEqual([]);
  });

  it('regression: a late create of an earlier attempt (an older guid of the same session) no longer blocks the next attempt', () => {
    const file = join(ROOT, 'test', 'fixtures', 'lock-late-create.json');
    const j = judge(parseScenario(readFileSync(file, 'utf8'), file));
    expect(j.acquisitionsAfterFaults).toBeGreaterThan(0);
    expect(j.orphans).toEqual([]);
  });

  it('regression: a leader synced by SNAP no longer serves a DIFF from the stale part of its txn log', () => {
    // test/fixtures/lock-snap-log-diff.json crashed the simulation (a learner applied a delete of a
    // node it never had) before leader-role.ts stopped reading DIFFs from before its last SNAP.
    const file = join(ROOT, 'test', 'fixtures', 'lock-snap-log-diff.json');
    const j = judge(parseScenario(readFileSync(file, 'utf8'), file));
    expect(j.verdicts['zab-invariants'].status).toBe('pass');
    expect(j.verdicts['lock-fencing'].status).toBe('pass');
    expect(j.acquisitions).toBeGreaterThan(0);
  });

  it('regression: a leader established late for an overtaken epoch is stale, not a ZAB violation', () => {
    const file = join(ROOT, 'test', 'fixtures', 'stale-epoch-leader.json');
    const j = judge(parseScenario(readFileSync(file, 'utf8'), file));
    expect(j.verdicts['zab-invariants'].status).toBe('pass');
    expect(j.verdicts['lock-exclusion'].status).toBe('pass');
  });

  it('generated cases are valid scenario files (schema and semantic checks)', () => {
    fc.assert(
      fc.property(lockCaseArb(), fc.boolean(), (c, fencing) => {
        const s = toScenario(c, { fencing });
        expect(parseScenario(JSON.stringify(s), 'generated.json')).toEqual(s);
      }),
      { numRuns: 200 },
    );
  });
});
