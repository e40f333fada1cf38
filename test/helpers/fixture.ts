import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Verdict } from '../../sim/check/verdict.js';
import { parseScenario } from '../../sim/scenario/load.js';
import { runScenario } from '../../sim/scenario/simulation.js';
import { ROOT } from './cli.js';

/** Runs a regression scenario from test/fixtures/ and gives its verdicts by check. */
export function runFixture(name: string): Record<string, Verdict> {
  const file = join(ROOT, 'test', 'fixtures', name);
  const r = runScenario(parseScenario(readFileSync(file, 'utf8'), file));
  return Object.fromEntries(r.verdicts.map((v) => [v.check, v]));
}
