import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

/** The README's library example, run against the built package by its name, as a user would. */
const example = `
import { readFileSync } from 'node:fs';
import { parseScenario, runScenario, Simulation, MemorySink, ScenarioError } from 'zksim';
const scenario = parseScenario(readFileSync('scenarios/default.json', 'utf8'), 'default.json');
const result = runScenario(scenario, { seed: 7 });
const sim = new Simulation(scenario, { seed: 7, sink: new MemorySink() });
sim.start();
let steps = 0;
while (sim.stepOnce()) steps++;
const stepped = sim.finish();
let error = '';
try { parseScenario('{"version":1}', 'bad.json'); } catch (e) { error = e instanceof ScenarioError ? e.issues[0].path : 'wrong error type'; }
console.log(JSON.stringify({ ok: result.ok, same: stepped.traceHash === result.traceHash, steps, kernelEvents: stepped.kernelEvents, error }));
`;

describe('library API', () => {
  it('the README example works against the built package', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', example], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.same).toBe(true); // stepping one event at a time gives the same run
    expect(out.steps).toBe(out.kernelEvents);
    expect(out.error).toBe('name');
  });
});
