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

/** The README's ZooKeeper example, as a user would run it. */
const zkExample = `
import { ZkWorld } from 'zksim';
const zk = new ZkWorld({ seed: 'demo', clients: ['c1', 'c2'] });
const alice = zk.connect('c1');
const bob = zk.connect('c2');
const seen = [];
bob.onEvent((e) => seen.push(e.type === 'NONE' ? e.state : \`\${e.type} \${e.path}\`));
zk.perform('c2', (_proc, done) => bob.exists('/leader', true, done));
const created = zk.perform('c1', (_proc, done) => alice.create('/leader', 'alice', 'EPHEMERAL', done));
zk.perform('c2', (_proc, done) => bob.exists('/leader', true, done));
zk.fault({ kind: 'isolate', node: 'c1' });
zk.advance(60_000);
console.log(JSON.stringify({ created, seen, alice: alice.state }));
`;

describe('ZooKeeper library API', () => {
  it('the README ZkWorld example works against the built package', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', zkExample], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.created).toEqual({ rc: 'OK', path: '/leader' });
    expect(out.seen).toEqual(['NODE_CREATED /leader', 'NODE_DELETED /leader']);
    expect(out.alice).toBe('DISCONNECTED'); // it learns of the expiry only when it reaches a server again
  });
});

const ensembleExample = `
import { EnsembleWorld } from 'zksim';
const ew = new EnsembleWorld({ servers: 5, seed: 'demo' });
ew.runUntil(() => ew.settled());
const first = ew.leader();
const zxid = ew.write({ op: 'create', path: '/a', data: 'x', mode: 'PERSISTENT' });
ew.advance(100);
ew.fault({ kind: 'crash', node: ew.leader(), mode: 'process' });
ew.runUntil(() => ew.settled());
const l = ew.leader();
console.log(JSON.stringify({ first, zxid, next: l, epoch: ew.peer(l).role.epoch, kept: ew.peer(l).db.tree.get('/a')?.data }));
`;

describe('ensemble library API', () => {
  it('the README EnsembleWorld example works against the built package', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', ensembleExample], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ first: 's5', zxid: '0x100000001', next: 's4', epoch: 2, kept: 'x' });
  });
});
