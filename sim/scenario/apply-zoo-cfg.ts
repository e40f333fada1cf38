/**
 * `zksim run --zoo-cfg FILE`: a real zoo.cfg decides the ensemble of a zookeeper scenario — how
 * many servers, which are observers, and the timing (tickTime, initLimit, syncLimit, snapCount,
 * …). The result is an ordinary scenario (recorded in the trace header, so a replay needs no
 * zoo.cfg).
 */
import { parseZooCfg, ZooCfgError } from '../zk/quorum/zoo-cfg.js';
import { ScenarioError } from './errors.js';
import { validateScenario } from './load.js';
import type { Scenario } from './schema.js';

export function applyZooCfg(scenario: Scenario, text: string, file: string): { scenario: Scenario; warnings: string[] } {
  if (scenario.protocol.kind !== 'zookeeper') {
    throw new ScenarioError(file, [{ path: 'protocol.kind', message: `--zoo-cfg applies to zookeeper scenarios; this one runs "${scenario.protocol.kind}"` }]);
  }
  let cfg;
  try {
    cfg = parseZooCfg(text, file);
  } catch (e) {
    if (e instanceof ZooCfgError) throw new ScenarioError(file, [{ path: `line ${e.line}: ${e.key}`, message: e.reason }]);
    throw e;
  }
  const c = cfg.config;
  const n = c.servers.length;
  // zksim names servers s1..sN by sid, and takes the observers to be the highest sids.
  const sids = c.servers.map((s) => s.sid);
  const observers = c.servers.filter((s) => s.role === 'observer').length;
  const problems: string[] = [];
  if (sids.some((sid, i) => sid !== i + 1)) problems.push(`server ids must be 1..${n} (found ${sids.join(', ')})`);
  if (c.servers.some((s, i) => (s.role === 'observer') !== i >= n - observers)) problems.push('observers must have the highest server ids');
  if (problems.length > 0) {
    throw new ScenarioError(file, [{ path: 'server.N', message: `${problems.join('; ')}: renumber the server lines so zksim can name them s1..s${n}` }]);
  }
  const next = {
    ...scenario,
    servers: n,
    protocol: {
      ...scenario.protocol,
      observers,
      tickTimeMs: c.tickTimeMs,
      initLimit: c.initLimit,
      syncLimit: c.syncLimit,
      snapCount: c.snapCount,
      commitLogCount: c.commitLogCount,
      minNotificationIntervalMs: c.minNotificationIntervalMs,
      maxNotificationIntervalMs: c.maxNotificationIntervalMs,
      cnxTimeoutMs: c.cnxTimeoutMs,
    },
  };
  return { scenario: validateScenario(next, `${scenario.name} with ${file}`), warnings: cfg.warnings };
}
