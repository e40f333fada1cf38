/**
 * `zksim run --history / --history-edn`: the client history of a run, written for `zksim check`
 * (interchange JSON, model znode) and for Jepsen tooling (EDN), and the run's own client verdicts.
 * Runs the built command (test/helpers/build.ts builds dist/ first).
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHistory } from '../sim/check/linearizability/history.js';
import { tempDir, zksim, type CliResult } from './helpers/cli.js';

describe('zksim run --history', () => {
  let dir: string;
  let F: string;
  let G: string;
  let run: CliResult;

  beforeAll(() => {
    dir = tempDir();
    F = join(dir, 'zk-clients.history.json');
    G = join(dir, 'zk-clients.history.edn');
    // Left over from an earlier run: replaced whole.
    writeFileSync(F, 'not a history');
    run = zksim(['run', 'scenarios/zk-clients.json', '--no-trace', '--quiet', '--history', F, '--history-edn', G]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes both files atomically (complete, no temporary files left) and exits 0', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(existsSync(F)).toBe(true);
    expect(existsSync(G)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['zk-clients.history.edn', 'zk-clients.history.json']);
    const text = readFileSync(F, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const h = parseHistory(text, F);
    expect(h).toMatchObject({ version: 1, name: 'zk-clients', model: 'znode', init: null });
    expect(h.ops.length).toBeGreaterThan(1000);
    // Writes, error answers, both kinds of reads and pending ops are all in it.
    expect(h.ops.some((o) => o.input.f === 'create' && o.input.session !== undefined)).toBe(true);
    expect(h.ops.some((o) => o.output.status === 'fail' && o.output.rc === 'NODE_EXISTS')).toBe(true);
    expect(h.ops.some((o) => o.consistency === 'sequential')).toBe(true);
    expect(h.ops.some((o) => o.consistency === 'sync')).toBe(true);
    expect(h.ops.some((o) => o.pending === true)).toBe(true);
    expect(readFileSync(G, 'utf8').endsWith(']\n')).toBe(true);
  });

  it('zksim check F exits 0 and says linearizable', () => {
    const r = zksim(['check', F]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/zk-clients\.history\.json: linearizable, \d+ ops/);
    const json = zksim(['check', F, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout.trim())).toMatchObject({ verdict: 'linearizable', model: 'znode' });
  });

  it('G is an EDN vector of {:type :invoke ...} maps (after a comment line)', () => {
    const text = readFileSync(G, 'utf8');
    const body = text
      .split('\n')
      .filter((l) => !l.startsWith(';'))
      .join('\n');
    expect(body.startsWith('[{:type :invoke')).toBe(true);
    expect(body.trimEnd().endsWith('}]')).toBe(true);
    const lines = body.split('\n').filter((l) => l.trim() !== '');
    // One op map per line; every invocation is completed (ok, fail, or info for unknown outcomes).
    const invokes = lines.filter((l) => l.includes('{:type :invoke')).length;
    const completions = lines.filter((l) => /\{:type :(ok|fail|info)/.test(l)).length;
    expect(invokes).toBe(completions);
    expect(invokes).toBe(parseHistory(readFileSync(F, 'utf8'), F).ops.length);
    expect(body).toMatch(/\{:type :fail, :f :create, [^}]*:error :node-exists/);
  });

  it('a scenario without clients: exit 2, naming --history and "clients"; nothing written', () => {
    const out = join(dir, 'none.json');
    const r = zksim(['run', 'scenarios/zk-leader-crash.json', '--no-trace', '--history', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--history/);
    expect(r.stderr).toMatch(/clients/);
    expect(existsSync(out)).toBe(false);
  });

  it('--json: the verdicts include linearizability and zk-sessions, both pass for zk-clients', () => {
    const r = zksim(['run', 'scenarios/zk-clients.json', '--no-trace', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { verdicts: { check: string; status: string; summary: string }[] };
    const byCheck = new Map(out.verdicts.map((v) => [v.check, v]));
    expect(byCheck.get('linearizability')?.status).toBe('pass');
    expect(byCheck.get('zk-sessions')?.status).toBe('pass');
    expect(byCheck.get('linearizability')?.summary).toMatch(/linearizable/);
  });
});
