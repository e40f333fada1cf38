/**
 * Writing a scenario file: validated first (so what is written is a scenario `zksim run` accepts),
 * then written atomically (a temporary file next to the target, renamed into place), so a reader
 * never sees half a file. Used to save counterexamples found by property runs.
 */
import { writeFileAtomic } from '../cli/file-sink.js';
import { validateScenario } from './load.js';
import type { Scenario } from './schema.js';

/** The scenario as file text: two-space JSON with a final newline. */
export function formatScenario(scenario: Scenario): string {
  return `${JSON.stringify(scenario, null, 2)}\n`;
}

/** Validates `scenario` (throws a ScenarioError naming each problem) and writes it to `path`. */
export function writeScenario(path: string, scenario: unknown): Scenario {
  const valid = validateScenario(scenario, path);
  writeFileAtomic(path, formatScenario(valid));
  return valid;
}
