import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHeader, TraceFormatError } from '../kernel/trace/parse.js';
import type { TraceHeader } from '../kernel/trace/events.js';
import { parseScenario, validateScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { UsageError } from './errors.js';
import { readLines } from './line-reader.js';
import { BUG_NAMES, isBugName } from '../bugs/catalog.js';
import { isLegacyId, LEGACY_IDS } from '../history/known-bugs.js';
import { parseVersion } from '../history/zk-version.js';

/** The package root (where scenarios/ lives), from dist/sim/cli/ or sim/cli/. */
export function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(`${'/'}dist${'/'}`) ? resolve(here, '../../..') : resolve(here, '../..');
}

export const DEFAULT_SCENARIO = 'scenarios/default.json';

export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String(e);
    throw new UsageError(`cannot read ${what} ${path}: ${why}`);
  }
}

/** Loads and validates a scenario file (ScenarioError on a bad one). */
export function loadScenarioFile(path: string): Scenario {
  return parseScenario(readText(path, 'scenario'), path);
}

/** Opens a trace: validates its header and the scenario inside it. */
export function openTrace(path: string): { header: TraceHeader; scenario: Scenario; events: Iterable<string> } {
  readText(path, 'trace'); // fail early with a clear message if unreadable
  const lines = readLines(path);
  const first = lines.next();
  let header: TraceHeader;
  try {
    header = parseHeader(first.done ? undefined : first.value);
  } catch (e) {
    if (e instanceof TraceFormatError) throw new UsageError(`${path}: ${e.message}`);
    throw e;
  }
  const scenario = validateScenario(header.scenario, `${path} (header.scenario)`);
  return { header, scenario, events: { [Symbol.iterator]: () => lines } };
}

/**
 * `--inject-bug NAME` (repeatable): switches planted bugs on in a scenario, checked against the
 * catalog so a typo is named; the scenario is validated again (only zookeeper runs have bugs).
 */
export function withInjectedBugs(scenario: Scenario, names: readonly string[] | undefined, source: string): Scenario {
  if (names === undefined || names.length === 0) return scenario;
  for (const n of names) {
    if (!isBugName(n)) throw new UsageError(`--inject-bug: unknown bug "${n}"; the planted bugs are ${BUG_NAMES.join(', ')} (see \`zksim bugs\`)`);
  }
  return validateScenario({ ...scenario, bugs: [...new Set([...(scenario.bugs ?? []), ...names])].sort() }, source);
}

/**
 * `--zk-version V` and `--legacy JIRA` (repeatable): behave as an older release, or switch on one
 * shipped bug's old behaviour (`zksim known-bugs` lists them). A version replaces the scenario's;
 * switches add to its list.
 */
export function withZkBehaviour(scenario: Scenario, zkVersion: string | undefined, legacy: readonly string[] | undefined, source: string): Scenario {
  if (zkVersion === undefined && (legacy === undefined || legacy.length === 0)) return scenario;
  if (zkVersion !== undefined) {
    const v = parseVersion(zkVersion);
    if (typeof v === 'string') throw new UsageError(`--zk-version: ${v}`);
  }
  for (const id of legacy ?? []) {
    if (!isLegacyId(id)) throw new UsageError(`--legacy: unknown switch "${id}"; the switches are ${LEGACY_IDS.join(', ')} (see \`zksim known-bugs\`)`);
  }
  if (scenario.protocol.kind !== 'zookeeper') throw new UsageError(`--zk-version / --legacy: ${source} runs the ${scenario.protocol.kind} protocol; old ZooKeeper behaviours apply to zookeeper scenarios only`);
  const merged = [...new Set([...(scenario.legacy ?? []), ...(legacy ?? [])])].sort();
  return validateScenario({ ...scenario, ...(zkVersion === undefined ? {} : { zkVersion }), ...(merged.length === 0 ? {} : { legacy: merged }) }, source);
}
