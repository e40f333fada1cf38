import { resolve } from 'node:path';
import { Simulation } from '../scenario/simulation.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError } from './errors.js';
import { FileSink, writeFileAtomic } from './file-sink.js';
import { ZkLinearizability } from '../check/zk-history/linearizability-checker.js';
import { znodeHistoryToEdn } from '../formats/edn-znode.js';
import { DEFAULT_SCENARIO, loadScenarioFile, packageRoot, readText, withInjectedBugs, withZkBehaviour } from './inputs.js';
import { applyZooCfg } from '../scenario/apply-zoo-cfg.js';
import { progressBar } from './progress.js';
import { formatRunReport } from './report.js';

export interface RunCommandOptions {
  seed?: string;
  /** A real zoo.cfg deciding the ensemble of a zookeeper scenario. */
  zooCfg?: string;
  trace?: string | false;
  json?: boolean;
  quiet?: boolean;
  /** Write the client history (interchange JSON, znode model) here. */
  history?: string;
  /** And/or as a Jepsen EDN history. */
  historyEdn?: string;
  /** Planted bugs to switch on (sim/bugs/catalog.ts). */
  injectBug?: string[];
  /** Behave as this ZooKeeper release (sim/history/). */
  zkVersion?: string;
  /** Old behaviours to switch on, by JIRA number. */
  legacy?: string[];
}

/** `zksim run [scenario]`: runs it, prints the verdicts, writes the trace. Exit 0 when as expected. */
export function runCommand(scenarioArg: string | undefined, opts: RunCommandOptions): number {
  const scenarioPath = scenarioArg ?? resolve(packageRoot(), DEFAULT_SCENARIO);
  let scenario = withZkBehaviour(withInjectedBugs(loadScenarioFile(scenarioPath), opts.injectBug, scenarioPath), opts.zkVersion, opts.legacy, scenarioPath);
  if (opts.zooCfg !== undefined) {
    const applied = applyZooCfg(scenario, readText(opts.zooCfg, 'zoo.cfg'), opts.zooCfg);
    scenario = applied.scenario;
    if (!opts.quiet && !opts.json) for (const w of applied.warnings) process.stderr.write(`zksim: warning: ${w}\n`);
  }
  const seed = parseSeed(opts.seed);
  const effective = String(seed ?? scenario.seed);
  const tracePath = opts.trace === false ? null : (opts.trace ?? `traces/${scenario.name}-seed${effective}.ndjson`);
  const sink = tracePath === null ? undefined : new FileSink(tracePath);
  const started = performance.now(); // determinism-ok: wall time of the CLI, not of the simulation
  try {
    const sim = new Simulation(scenario, { seed, sink });
    const recorder = historyRecorder(sim, scenario.name, opts);
    const total = sim.config.durationTicks;
    const progress = progressBar(total, scenario.name, !opts.json && !opts.quiet);
    const chunk = Math.max(1, Math.floor(total / 200));
    for (let t = chunk; t < total; t += chunk) {
      sim.runUntil(t);
      progress.update(t);
    }
    const result = sim.finish();
    progress.stop();
    if (recorder !== undefined) writeHistories(recorder, opts);
    const wallMs = performance.now() - started; // determinism-ok
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ ...result, trace: tracePath, wallMs: Math.round(wallMs) }, null, 2)}\n`);
    } else if (!opts.quiet) {
      process.stdout.write(`${formatRunReport(result, tracePath, wallMs)}\n`);
    }
    return result.ok ? EXIT_OK : EXIT_CHECK_FAILED;
  } catch (e) {
    if (sink !== undefined) sink.abort();
    throw e;
  }
}

/** The checker that records the client history, when `--history` / `--history-edn` asks for it. */
function historyRecorder(sim: Simulation, name: string, opts: RunCommandOptions): ZkLinearizability | undefined {
  if (opts.history === undefined && opts.historyEdn === undefined) return undefined;
  const recorder = sim.checkers.find((c): c is ZkLinearizability => c instanceof ZkLinearizability);
  if (recorder === undefined) {
    throw new UsageError(`--history: scenario "${name}" has no client processes, so there is no client history; add "clients": {"count": N} to its zookeeper protocol`);
  }
  return recorder;
}

/** `--history` / `--history-edn`: the run's client history, for `zksim check` and Jepsen tooling. */
function writeHistories(recorder: ZkLinearizability, opts: RunCommandOptions): void {
  const h = recorder.interchange();
  if (opts.history !== undefined) writeFileAtomic(opts.history, `${JSON.stringify(h)}\n`);
  if (opts.historyEdn !== undefined) writeFileAtomic(opts.historyEdn, znodeHistoryToEdn(h));
}

/** Seeds are integers or strings; "--seed 7" and "seed": 7 must give the same run. */
export function parseSeed(raw: string | undefined): string | number | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === '') throw new UsageError('--seed: expected a number or a non-empty string');
  return /^-?\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : raw;
}
