/**
 * Shrinking a failing run to a small scenario file that fails the same way: delta debugging
 * (Zeller's ddmin) over its fault schedule, and greedy reductions of its workload (fewer clients,
 * fewer operations, a shorter run). It works on scenario files, not on fast-check values, so a
 * failure found by any means — the CLI, a property test, a user's own scenario — shrinks the same
 * way. Every candidate is a whole run; the budget counts runs, so the result does not depend on
 * how fast the machine is.
 */
import { ScenarioError } from '../scenario/errors.js';
import { validateScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { Simulation } from '../scenario/simulation.js';
import type { FaultSpec } from '../world/fault-spec.js';
import { fnv1a64Hex } from '../kernel/trace/hash.js';
import { concreteScenario, exploreRun } from './explore-run.js';
import type { ShrunkFailure } from './report.js';

export interface ShrinkOptions {
  /** The check that must still fail. */
  check: string;
  /** Most candidate runs to try (default 400). */
  maxRuns?: number;
}

export interface ShrinkResult {
  scenario: Scenario;
  check: string;
  /** Candidate runs tried. */
  runs: number;
  /** The budget ran out before no reduction was left to try. */
  exhausted: boolean;
}

const DURATION_LADDER = [1000, 2000, 3000, 5000, 10_000, 15_000, 20_000, 30_000, 45_000, 60_000, 90_000, 120_000, 180_000, 300_000];

type Zk = Extract<Scenario['protocol'], { kind: 'zookeeper' }>;

class Budget {
  runs = 0;
  constructor(readonly max: number) {}
  get exhausted(): boolean {
    return this.runs >= this.max;
  }
}

/** Does this candidate still fail `check`? An invalid candidate (e.g. a fault naming a removed client) does not. */
function stillFails(candidate: Scenario, check: string, budget: Budget): boolean {
  if (budget.exhausted) return false;
  budget.runs++;
  let valid: Scenario;
  try {
    valid = validateScenario(JSON.parse(JSON.stringify(candidate)), 'candidate');
  } catch (e) {
    if (e instanceof ScenarioError) return false;
    throw e;
  }
  const r = new Simulation(valid).run();
  return r.verdicts.some((v) => v.check === check && v.status === 'fail');
}

/** Classic ddmin: a 1-minimal sublist for which `test` holds (within the budget). */
export function ddmin<T>(items: readonly T[], test: (subset: T[]) => boolean): T[] {
  let current = [...items];
  if (current.length > 0 && test([])) return [];
  let n = 2;
  while (current.length >= 2) {
    const size = Math.ceil(current.length / n);
    const chunks: T[][] = [];
    for (let i = 0; i < current.length; i += size) chunks.push(current.slice(i, i + size));
    let reduced = false;
    for (const chunk of chunks) {
      if (chunk.length < current.length && test(chunk)) {
        current = chunk;
        n = 2;
        reduced = true;
        break;
      }
    }
    if (!reduced && chunks.length > 2) {
      for (let i = 0; i < chunks.length; i++) {
        const complement = chunks.filter((_, j) => j !== i).flat();
        if (test(complement)) {
          current = complement;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
    }
    if (!reduced) {
      if (n >= current.length) break;
      n = Math.min(current.length, n * 2);
    }
  }
  return current;
}

function withFaults(s: Scenario, faults: FaultSpec[]): Scenario {
  const { faults: _f, ...rest } = s;
  return (faults.length === 0 ? rest : { ...rest, faults }) as Scenario;
}

/** The run cut at `end`: faults striking later are dropped. */
function cutAt(s: Scenario, end: number): Scenario {
  const faults = Array.isArray(s.faults) ? s.faults.filter((f) => f.at < end) : [];
  return withFaults({ ...s, durationTicks: end }, faults);
}

function withProtocol(s: Scenario, p: Zk): Scenario {
  return { ...s, protocol: p };
}

/** Smaller workloads to try, biggest reductions first. */
function workloadCandidates(s: Scenario): Scenario[] {
  if (s.protocol.kind !== 'zookeeper') return [];
  const p = s.protocol;
  const out: Scenario[] = [];
  const drop = <K extends keyof Zk>(k: K): Zk => {
    const { [k]: _x, ...rest } = p;
    return rest as Zk;
  };
  if (p.load !== undefined) out.push(withProtocol(s, drop('load')));
  if (p.clients !== undefined) {
    const c = p.clients;
    out.push(withProtocol(s, drop('clients')));
    for (const count of new Set([1, Math.floor(c.count / 2), c.count - 1])) {
      if (count >= 1 && count < c.count) out.push(withProtocol(s, { ...p, clients: { ...c, count } }));
    }
    const ops = c.opsPerSecond ?? 10;
    if (ops > 1) out.push(withProtocol(s, { ...p, clients: { ...c, opsPerSecond: Math.max(1, Math.floor(ops / 2)) } }));
  }
  if (p.locks !== undefined) {
    const l = p.locks;
    out.push(withProtocol(s, drop('locks')));
    if (l.clients > 1) out.push(withProtocol(s, { ...p, locks: { ...l, clients: l.clients - 1 } }));
  }
  return out;
}

/**
 * Shrinks a scenario that fails `check` (it must fail it as given). Order: drop faults (ddmin),
 * move to seed 1 if it still fails there, reduce the workload greedily, drop faults again, shorten
 * the run to a round length.
 */
export function shrinkScenario(original: Scenario, options: ShrinkOptions): ShrinkResult {
  const budget = new Budget(options.maxRuns ?? 400);
  const check = options.check;
  const fails = (s: Scenario): boolean => stillFails(s, check, budget);
  let s = original;

  const first = new Simulation(s).run();
  if (!first.verdicts.some((v) => v.check === check && v.status === 'fail')) throw new Error(`shrink: the scenario does not fail ${check}`);

  const shrinkFaults = (): void => {
    if (!Array.isArray(s.faults) || s.faults.length === 0) return;
    const base = s;
    const kept = ddmin(s.faults, (subset) => fails(withFaults(base, subset)));
    s = withFaults(base, kept);
  };
  // Round lengths, so that failures which shrink alike get the same scenario (and signature).
  const shrinkDuration = (): void => {
    for (const end of DURATION_LADDER) {
      if (end >= s.durationTicks || budget.exhausted) break;
      const cut = cutAt(s, end);
      if (fails(cut)) {
        s = cut;
        break;
      }
    }
  };
  // A failure that needs no particular seed is kept at seed 1, so such failures collapse into one.
  const canonicalSeed = (): void => {
    if (s.seed === 1) return;
    const c = { ...s, seed: 1 };
    if (fails(c)) s = c;
  };

  shrinkFaults();
  canonicalSeed();
  let progress = true;
  while (progress && !budget.exhausted) {
    progress = false;
    for (const c of workloadCandidates(s)) {
      if (fails(c)) {
        s = c;
        progress = true;
        break;
      }
    }
  }
  shrinkFaults();
  shrinkDuration();
  canonicalSeed();
  return { scenario: validateScenario(JSON.parse(JSON.stringify(s)), 'shrunk'), check, runs: budget.runs, exhausted: budget.exhausted };
}

/** JSON with object keys sorted, so equal scenarios hash alike whatever built them. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

export interface ShrunkSeed {
  /** The seed's run with its faults written out (what the sweep ran). */
  original: Scenario;
  /** The minimal scenario, named after its signature. */
  repro: Scenario;
  failure: ShrunkFailure;
}

/**
 * Shrinks one failing seed of a sweep into a repro scenario named after its signature.
 */
export function shrinkSeed(base: Scenario, seed: number, check: string, maxRuns: number): ShrunkSeed {
  const original = concreteScenario(base, seed);
  const before = exploreRun(original);
  const shrunk = shrinkScenario(original, { check, maxRuns });
  const s = shrunk.scenario;
  const runs = shrunk.runs;
  const { name: _n, description: _d, ...content } = s;
  const signature = `${check}-${fnv1a64Hex(canonicalJson(content))}`;
  const after = exploreRun(s);
  const first = after.violations.find((v) => v.check === check)?.first;
  const repro: Scenario = {
    ...s,
    name: `${base.name}-${signature}`,
    description:
      `Shrunk by zksim explore from seed ${seed} of "${base.name}": ${before.faults} → ${after.faults} faults, ${before.clientOps} → ${after.clientOps} client operations, ${runs} candidate runs. ` +
      `It fails ${check}${first === undefined ? '' : `: ${first}`}.`,
  };
  return {
    original: { ...original, name: `${base.name}-seed${seed}` },
    repro,
    failure: {
      seed,
      check,
      signature,
      ...(first === undefined ? {} : { first }),
      faultsBefore: before.faults,
      faultsAfter: after.faults,
      opsBefore: before.clientOps,
      opsAfter: after.clientOps,
      shrinkRuns: runs,
      exhausted: shrunk.exhausted,
    },
  };
}
