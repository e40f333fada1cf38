/**
 * Property runs of the ZooKeeper lock recipes: fast-check arbitraries for lock workloads and fault
 * schedules over a 3-server ensemble, turned into scenario objects (validated like scenario files),
 * a judge that runs one and reads the lock history from its trace, and `checkLockProperty`, which on
 * a failure writes the shrunk counterexample as a scenario file that `zksim run <file>` replays to
 * the same verdicts (its `expect` block records them). Shared by test/locks.property.test.ts and
 * bench/lock-property.ts, so it imports nothing from vitest.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { LockHistory } from '../../sim/check/lock-safety.js';
import type { Verdict } from '../../sim/check/verdict.js';
import { validateScenario } from '../../sim/scenario/load.js';
import type { Scenario } from '../../sim/scenario/schema.js';
import { Simulation, type RunResult } from '../../sim/scenario/simulation.js';
import { writeScenario } from '../../sim/scenario/write-scenario.js';
import type { FaultSpec } from '../../sim/world/fault-spec.js';
import type { PeerState } from '../../sim/zk/quorum/quorum-peer.js';

export const SERVERS = 3;
/** Ensemble timing: ZooKeeper's tickTime, with the shorter initLimit/syncLimit many deployments use. */
export const TICK_MS = 2000;
export const INIT_LIMIT = 5;
export const SYNC_LIMIT = 2;

/** A fault as generated: client and server numbers are mapped onto the case's nodes by `toScenario`. */
export type GenFault =
  /** One server cut off from the other two (clients still reach it). */
  | { kind: 'split-server'; at: number; server: number; durationTicks: number }
  /** The leader cut off from the other servers only (its clients stay connected to it). */
  | { kind: 'split-leader'; at: number; durationTicks: number }
  /** A node cut off from everyone, clients and resource included. */
  | { kind: 'isolate'; at: number; node: 'leader' | number; durationTicks: number }
  | { kind: 'crash'; at: number; node: 'leader' | number; mode: 'process' | 'machine'; restartAfterTicks: number }
  | { kind: 'server-clock-jump'; at: number; server: number; deltaTicks: number }
  /** A stop-the-world pause of a lock client, as a percentage of the session timeout (> 100: the session expires). */
  | { kind: 'client-pause'; at: number; client: number; percentOfSession: number }
  | { kind: 'client-clock-jump'; at: number; client: number; deltaTicks: number };

export interface LockCase {
  seed: number;
  /** The ZooKeeper lock recipe (default standard). */
  recipe?: 'standard' | 'reentrant';
  clients: number;
  holdMs: number;
  thinkMs: number;
  writes: number;
  sessionTimeoutMs: number;
  staggerMs: number;
  faults: GenFault[];
}

export interface ArbOptions {
  /** Lock clients (default 2..6). */
  clients?: { min: number; max: number };
  /** Faults start in [500, faultPhase] (default 20000). */
  faultPhase?: number;
  /** Generate client pauses and clock jumps (default true). */
  clientFaults?: boolean;
  /** Pause percentages of the session timeout: short only, long only, or both (default). */
  pauses?: 'short' | 'long' | 'both';
  maxFaults?: number;
  minFaults?: number;
  /** Also draw the recipe from these (default: the standard recipe only, and no `recipe` field). */
  recipes?: ('standard' | 'reentrant')[];
}

export function genFaultArb(o: ArbOptions = {}): fc.Arbitrary<GenFault> {
  const at = fc.integer({ min: 500, max: o.faultPhase ?? 20_000 });
  const dur = fc.integer({ min: 200, max: 8000 });
  const server = fc.integer({ min: 1, max: SERVERS });
  const serverOrLeader = fc.oneof(fc.constant('leader' as const), server);
  const client = fc.integer({ min: 1, max: 6 });
  const jump = fc.integer({ min: -30_000, max: 30_000 });
  const short = fc.integer({ min: 5, max: 60 });
  const long = fc.integer({ min: 130, max: 250 });
  const percent = o.pauses === 'short' ? short : o.pauses === 'long' ? long : fc.oneof(short, long);
  const serverSide: fc.Arbitrary<GenFault>[] = [
    fc.record({ kind: fc.constant('split-server' as const), at, server, durationTicks: dur }),
    fc.record({ kind: fc.constant('split-leader' as const), at, durationTicks: dur }),
    fc.record({ kind: fc.constant('isolate' as const), at, node: serverOrLeader, durationTicks: dur }),
    fc.record({ kind: fc.constant('crash' as const), at, node: serverOrLeader, mode: fc.constantFrom('process' as const, 'machine' as const), restartAfterTicks: dur }),
    fc.record({ kind: fc.constant('server-clock-jump' as const), at, server, deltaTicks: jump }),
  ];
  const clientSide: fc.Arbitrary<GenFault>[] = [
    fc.record({ kind: fc.constant('client-pause' as const), at, client, percentOfSession: percent }),
    fc.record({ kind: fc.constant('client-pause' as const), at, client, percentOfSession: percent }),
    fc.record({ kind: fc.constant('client-clock-jump' as const), at, client, deltaTicks: jump }),
  ];
  return fc.oneof(...serverSide, ...(o.clientFaults === false ? [] : clientSide));
}

export function lockCaseArb(o: ArbOptions = {}): fc.Arbitrary<LockCase> {
  const base = lockCaseFields(o);
  if (o.recipes === undefined) return base;
  return fc.tuple(base, fc.constantFrom(...o.recipes)).map(([c, recipe]) => ({ ...c, recipe }));
}

function lockCaseFields(o: ArbOptions): fc.Arbitrary<LockCase> {
  return fc.record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    clients: fc.integer(o.clients ?? { min: 2, max: 6 }),
    holdMs: fc.integer({ min: 200, max: 2000 }),
    thinkMs: fc.integer({ min: 0, max: 1000 }),
    writes: fc.integer({ min: 1, max: 5 }),
    sessionTimeoutMs: fc.integer({ min: 4000, max: 8000 }),
    staggerMs: fc.integer({ min: 0, max: 300 }),
    faults: fc.array(genFaultArb(o), { minLength: o.minFaults ?? 0, maxLength: o.maxFaults ?? 5 }),
  });
}

/** The concrete fault a generated one stands for. */
export function concreteFault(f: GenFault, c: LockCase): FaultSpec {
  const s = (i: number) => `s${i}`;
  const others = (i: number) => Array.from({ length: SERVERS }, (_, k) => s(k + 1)).filter((x) => x !== s(i));
  const l = (i: number) => `l${((i - 1) % c.clients) + 1}`;
  switch (f.kind) {
    case 'split-server':
      return { at: f.at, kind: 'partition', groups: [[s(f.server)], others(f.server)], durationTicks: f.durationTicks };
    case 'split-leader':
      // On the servers' ports only, so client connections to the leader survive. (A partition
      // ['minority-with-leader', 'majority-without-leader'] would not do: the symbols draw from
      // every node, lock clients and resource included, and the two groups may overlap.)
      return { at: f.at, kind: 'isolate', node: 'leader', ports: ['election', 'quorum'], durationTicks: f.durationTicks };
    case 'isolate':
      return { at: f.at, kind: 'isolate', node: f.node === 'leader' ? 'leader' : s(f.node), durationTicks: f.durationTicks };
    case 'crash':
      return { at: f.at, kind: 'crash', node: f.node === 'leader' ? 'leader' : s(f.node), mode: f.mode, restartAfterTicks: f.restartAfterTicks };
    case 'server-clock-jump':
      return { at: f.at, kind: 'clock-jump', node: s(f.server), deltaTicks: f.deltaTicks };
    case 'client-pause':
      return { at: f.at, kind: 'pause', node: l(f.client), durationTicks: pauseTicks(f, c) };
    case 'client-clock-jump':
      return { at: f.at, kind: 'clock-jump', node: l(f.client), deltaTicks: f.deltaTicks };
  }
}

function pauseTicks(f: { percentOfSession: number }, c: LockCase): number {
  return Math.max(1, Math.round((f.percentOfSession * c.sessionTimeoutMs) / 100));
}

/** When a fault's own activity ends (its heal, restart or resume). */
function faultEnd(f: FaultSpec): number {
  if ('durationTicks' in f && f.durationTicks !== undefined) return f.at + f.durationTicks;
  if (f.kind === 'crash') return f.at + (f.restartAfterTicks ?? 0);
  return f.at;
}

/**
 * Quiet time after the last fault activity within which waiters must be served again: the
 * liveness bound of the ensemble (lost leader noticed in syncLimit ticks, discovery and sync in
 * initLimit ticks each, 5 s of election rounds), then sessions reconnect or expire (an expired
 * holder's node goes one session timeout later, plus a tick of the expiry buckets), and the holder
 * of that moment finishes its hold and thinks.
 */
export function quietNeeded(c: LockCase): number {
  return (SYNC_LIMIT + 2 * INIT_LIMIT) * TICK_MS + 5000 + 2 * c.sessionTimeoutMs + TICK_MS + c.holdMs + c.thinkMs;
}

export interface ScenarioOptions {
  name?: string;
  fencing?: boolean;
  /** Fixed run length (default: the last fault's end, at least faultPhase, plus quietNeeded + 5 s). */
  durationTicks?: number;
  faultPhase?: number;
}

export function toScenario(c: LockCase, o: ScenarioOptions = {}): Scenario {
  const faults = c.faults.map((f) => concreteFault(f, c));
  const lastEnd = Math.max(o.faultPhase ?? 20_000, ...faults.map(faultEnd));
  const durationTicks = o.durationTicks ?? lastEnd + quietNeeded(c) + 5000;
  return validateScenario(
    {
      version: 1,
      name: o.name ?? 'lock-property',
      seed: c.seed,
      durationTicks,
      servers: SERVERS,
      protocol: {
        kind: 'zookeeper',
        tickTimeMs: TICK_MS,
        initLimit: INIT_LIMIT,
        syncLimit: SYNC_LIMIT,
        locks: {
          recipe: c.recipe ?? 'standard',
          clients: c.clients,
          fencing: o.fencing ?? true,
          holdMs: c.holdMs,
          thinkMs: c.thinkMs,
          writes: c.writes,
          sessionTimeoutMs: c.sessionTimeoutMs,
          staggerMs: c.staggerMs,
        },
      },
      // Faults whose `at` falls after the end (a fixed short run) are dropped.
      faults: faults.filter((f) => f.at < durationTicks),
    },
    o.name ?? 'lock-property',
  );
}

/** Trace kinds that are fault activity (as the liveness checker counts them). */
const FAULT_ACTIVITY = new Set(['fault', 'heal', 'crash', 'boot', 'pause', 'resume', 'clock']);

export interface Judged {
  scenario: Scenario;
  result: RunResult;
  verdicts: Record<string, Verdict>;
  /** Time of the last fault activity (a boot at 0 counts: then 0). */
  quietFrom: number;
  /** Quiet ticks from the last fault activity to the end. */
  quiet: number;
  /** Lock acquisitions strictly after the last fault activity. */
  acquisitionsAfterFaults: number;
  acquisitions: number;
  /** The lock's children at the end (on the established leader), in sequence order, with their owner sessions. */
  lockNodes: { name: string; owner: string }[];
  /**
   * Orphans at the end: lock nodes whose session also owns a later lock node — left by a create
   * whose reply was lost (CONNECTION_LOSS) and which the plain recipe retried. The first one
   * blocks the lock for as long as its (live) session lasts.
   */
  orphans: string[];
}

/** Runs a scenario (trace hashed, not kept) and reads the lock history from its trace. */
export function judge(scenario: Scenario): Judged {
  const sim = new Simulation(scenario);
  const locks = new LockHistory();
  let quietFrom = 0;
  sim.trace.subscribe((e) => {
    locks.onEvent(e);
    if (FAULT_ACTIVITY.has(e.kind)) quietFrom = e.at;
  });
  const result = sim.run();
  const lockNodes = lockNodesAtEnd(sim);
  const owners = lockNodes.map((n) => n.owner);
  const orphans = lockNodes.filter((n, i) => owners.indexOf(n.owner, i + 1) > i).map((n) => n.name);
  return {
    lockNodes,
    orphans,
    scenario,
    result,
    verdicts: Object.fromEntries(result.verdicts.map((v) => [v.check, v])),
    quietFrom,
    quiet: result.endAt - quietFrom,
    acquisitionsAfterFaults: locks.acquisitionsSince(quietFrom),
    acquisitions: locks.acquisitions,
  };
}

function lockNodesAtEnd(sim: Simulation): { name: string; owner: string }[] {
  const servers = sim.world.nodes.filter((n) => n.startsWith('s'));
  const leader = servers.find((n) => sim.world.isUp(n) && sim.world.role(n) === 'LEADING');
  if (leader === undefined) return [];
  const tree = (sim.world.stateOf(leader) as PeerState).peer.db.tree;
  const dir = tree.get('/lock');
  if (dir === undefined) return [];
  const seq = (name: string) => Number(name.slice(name.lastIndexOf('-') + 1));
  return tree
    .childrenOf(dir)
    .sort((a, b) => seq(a) - seq(b))
    .map((name) => ({ name, owner: String(tree.get(`/lock/${name}`)!.owner) }));
}

/** What a property says about one run: ok, or why not. */
export interface Outcome {
  ok: boolean;
  message: string;
  judged: Judged;
}

export function requirePass(j: Judged, checks: readonly string[]): Outcome {
  const bad = checks.filter((c) => j.verdicts[c]?.status !== 'pass');
  const message = bad.map((c) => `${c} ${j.verdicts[c]?.status ?? 'missing'}: ${j.verdicts[c]?.summary ?? ''} ${(j.verdicts[c]?.violations ?? []).slice(0, 3).join(' | ')}`).join('; ');
  return { ok: bad.length === 0, message: j.result.stoppedAt ? `${message} (run stopped at ${j.result.stoppedAt.at} by ${j.result.stoppedAt.check})` : message, judged: j };
}

export interface PropertyReport {
  name: string;
  failed: boolean;
  numRuns: number;
  numShrinks: number;
  ms: number;
  seed: number;
  path?: string;
  counterexample?: LockCase;
  /** The failing run's verdicts and message, re-judged on the shrunk counterexample. */
  outcome?: Outcome;
  /** Where the counterexample was written as a scenario file. */
  file?: string;
  /** Something the property threw (not a plain false). */
  error?: unknown;
}

/** Where counterexample scenarios go: $ZKSIM_COUNTEREXAMPLES, or a zksim folder in the temp dir. */
export function counterexampleDir(): string {
  return process.env.ZKSIM_COUNTEREXAMPLES ?? join(tmpdir(), 'zksim-counterexamples');
}

/**
 * Runs a property over lock cases. On a failure the shrunk counterexample is judged again and
 * written as a scenario whose `expect` holds the verdicts it gave, so `zksim run <file>` exits 0
 * exactly when it reproduces them; its description names the property, the failure and the
 * fast-check seed and path.
 */
export function checkLockProperty(
  name: string,
  arb: fc.Arbitrary<LockCase>,
  property: (c: LockCase) => Outcome,
  params: fc.Parameters<[LockCase]> = {},
  outDir = counterexampleDir(),
): PropertyReport {
  const t0 = performance.now();
  const details = fc.check(
    fc.property(arb, (c) => property(c).ok),
    params,
  );
  const ms = performance.now() - t0;
  const report: PropertyReport = { name, failed: details.failed, numRuns: details.numRuns, numShrinks: details.numShrinks, ms, seed: details.seed };
  if (!details.failed || details.counterexample === null) return report;
  const c = details.counterexample[0];
  report.path = details.counterexamplePath ?? undefined;
  report.counterexample = c;
  try {
    const outcome = property(c);
    report.outcome = outcome;
    const scenario = outcome.judged.scenario;
    const expect = Object.fromEntries(outcome.judged.result.verdicts.map((v) => [v.check, v.status]));
    const file = join(outDir, `${name}-seed${details.seed}.json`);
    writeScenario(file, {
      ...scenario,
      name: `${name}-counterexample`,
      description:
        `Counterexample to the lock property "${name}" (test/locks.property.test.ts), shrunk by fast-check ` +
        `(seed ${details.seed}, path "${report.path}"): ${outcome.message}. The expect block records the verdicts ` +
        `of the failing run (trace hash ${outcome.judged.result.traceHash}): \`node bin/zksim.js run <this file>\` exits 0 when it reproduces them.`,
      expect,
    });
    report.file = file;
  } catch (e) {
    report.error = e;
  }
  return report;
}

/** One line for a report, and the full failure text (seed, path, file, counterexample). */
export function describeReport(r: PropertyReport): string {
  const head = `${r.name}: ${r.numRuns} run(s)${r.numShrinks > 0 ? `, ${r.numShrinks} shrink(s)` : ''} in ${(r.ms / 1000).toFixed(1)} s`;
  if (!r.failed) return `${head}: pass`;
  return [
    `${head}: FAILED`,
    `  fast-check seed ${r.seed}, path "${r.path}" (replay: fc.assert(prop, { seed: ${r.seed}, path: "${r.path}" }))`,
    `  failure: ${r.outcome?.message ?? String(r.error)}`,
    `  counterexample scenario: ${r.file ?? '(not written)'}  (reproduce: node bin/zksim.js run ${r.file ?? '<file>'})`,
    `  shrunk case: ${JSON.stringify(r.counterexample)}`,
  ].join('\n');
}
