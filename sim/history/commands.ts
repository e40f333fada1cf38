/**
 * The commands that reproduce a known bug (its scripted scenario) and rediscover it (a swarm search
 * with the old behaviour on), as the docs page, `zksim known-bugs` and the benchmark print them.
 */
import { HUNT_BASES } from './hunt-bases.js';

export function reproduceCommand(jira: string): string {
  return `zksim run scenarios/bugs/${jira}.json  (fixed twin: scenarios/bugs/${jira}.fixed.json)`;
}

/** The explorer with the old behaviour on (the caveat: in the default model, with strict sync reads). */
export function rediscoverCommand(jira: string): string {
  const base = HUNT_BASES[jira];
  const scenario = base === undefined ? '' : ` --scenario ${base.path}`;
  const legacy = jira === 'ZOOKEEPER-1675' ? '' : ` --legacy ${jira}`;
  return `zksim explore${legacy}${scenario} --workers 1 --runs 20000`;
}
