import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, zksim } from './helpers/cli.js';

const DATA = join(import.meta.dirname, '..', '..', 'shared', 'data', 'lin-histories');

describe('zksim check', () => {
  it('reports each history and exits 1 when one is not linearizable', () => {
    const r = zksim(['check', join(DATA, 'etcd_000.json'), join(DATA, 'kv_c10-ok.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/etcd_000\.json: not-linearizable \(at most \d+ of 85 ops linearize\)/);
    expect(r.stdout).toMatch(/kv_c10-ok\.json: linearizable, 337 ops/);
    expect(r.stdout).toMatch(/2 histories: 1 linearizable, 1 not, 0 unknown/);
  });

  it('--json prints one line per file with file, verdict and ms; exit 0 when all are linearizable', () => {
    const r = zksim(['check', join(DATA, 'kv_c01-ok.json'), '--json']);
    expect(r.code).toBe(0);
    const line = JSON.parse(r.stdout.trim());
    expect(line).toMatchObject({ verdict: 'linearizable', model: 'kv' });
    expect(line.file).toContain('kv_c01-ok.json');
    expect(typeof line.ms).toBe('number');
  });

  it('runs out of time as unknown, never linearizable: exit 3', () => {
    const r = zksim(['check', join(DATA, 'etcd_002.json'), '--timeout', '1', '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout.trim()).verdict).toBe('unknown');
  });

  it('bad input names the file, the op index and the field: exit 2', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ version: 1, name: 'bad', model: 'register', init: null, ops: [{ client: 0, call: 5, return: 2, input: { f: 'read' }, output: { status: 'ok', value: null } }] }));
    const r = zksim(['check', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: op 0: ops\[0\]\.return: 2 is before the call at 5/);
    writeFileSync(file, JSON.stringify({ version: 1, name: 'bad', model: 'register', init: null, ops: [{ client: 0, call: 1, return: 2, input: { f: 'read' } }] }));
    expect(zksim(['check', file]).stderr).toMatch(/op 0: ops\[0\]\.output/);
    expect(zksim(['check', file, '--model', 'queue']).stderr).toMatch(/--model: "queue" is not a model/);
    writeFileSync(file, JSON.stringify({ version: 2 }));
    expect(zksim(['check', file]).stderr).toMatch(/version: 2 is not supported/);
  });

  it('--explain says why a history is not linearizable, --html writes its timeline, --json carries the explanation', () => {
    const dir = tempDir();
    const r = zksim(['check', join(DATA, 'etcd_000.json'), '--explain', '--html', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/cannot place op \d+ \(client \d+, \[\d+, \d+\]\) read → \d+/);
    expect(r.stdout).toMatch(/core: \d+ ops that cannot be linearized even with every other op relaxed/);
    expect(r.stdout).toMatch(/window: \[\d+, \d+\]/);
    expect(r.stdout).toMatch(/prefix: linearizable up to t=\d+/);
    const html = readFileSync(join(dir, 'etcd_000.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    expect(html.match(/<svg/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script/i);
    const j = zksim(['check', join(DATA, 'etcd_000.json'), '--explain', '--json']);
    const line = JSON.parse(j.stdout.trim());
    expect(line.verdict).toBe('not-linearizable');
    expect(line.explanation.core.length).toBeGreaterThan(1);
    expect(line.explanation.core).toContain(line.explanation.failingOp);
    expect(line.explanation.window[0]).toBeLessThanOrEqual(line.explanation.window[1]);
    // A linearizable history has nothing to explain and no timeline.
    const ok = zksim(['check', join(DATA, 'kv_c01-ok.json'), '--explain', '--html', dir]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).not.toMatch(/core:/);
    expect(existsSync(join(dir, 'kv_c01-ok.html'))).toBe(false);
  });
});
