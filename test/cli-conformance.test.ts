import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir, zksim } from './helpers/cli.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'golden', 'golden-seed-1.json');

describe('zksim conformance', () => {
  it('passes the committed fixtures at all five tiers, exit 0', () => {
    const r = zksim(['conformance', 'test/fixtures/golden']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/24 file\(s\), 5280 ops: 24 conform at all five tiers/);
    expect(r.stdout).toMatch(/golden-seed-7\.json {2}seed 7, 220 ops {2}1:pass 2:pass 3:pass 4:pass 5:pass/);
  });

  it('names the tier, the op and both sides of a mismatch, exit 1', () => {
    const dir = tempDir();
    const g = JSON.parse(readFileSync(FIXTURE, 'utf8'));
    const i = g.ops.findIndex((o: { op: string; result: { rc: string } }) => o.op === 'setData' && o.result.rc === 'OK');
    g.ops[i].result.stat.version += 5;
    const file = join(dir, 'tampered.json');
    writeFileSync(file, JSON.stringify(g));
    const r = zksim(['conformance', file, '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.conforming).toBe(0);
    expect(out.reports[0].report.tiers).toEqual({ 1: true, 2: false, 3: false, 4: false, 5: false });
    expect(out.reports[0].report.firstMismatch).toMatchObject({ tier: 2, op: i, opName: 'setData' });
    const text = zksim(['conformance', file]);
    expect(text.stdout).toContain(`first mismatch: tier 2 (payload) at op ${i} (setData)`);
  });

  it('a malformed golden file names the file, op index and field, exit 2', () => {
    const dir = tempDir();
    const g = JSON.parse(readFileSync(FIXTURE, 'utf8'));
    delete g.ops[5].args.path;
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify(g));
    const r = zksim(['conformance', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.json: op 5: ops\[5\]\.args(\.path)?: /);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it('refuses a golden file of another format version, and a missing path', () => {
    const dir = tempDir();
    const file = join(dir, 'future.json');
    writeFileSync(file, JSON.stringify({ format: 'zk-conformance-golden/2' }));
    const r = zksim(['conformance', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"zk-conformance-golden/2" is not supported; this zksim reads "zk-conformance-golden/1"');
    expect(zksim(['conformance', join(dir, 'nope.json')]).code).toBe(2);
  });
});

describe('zksim record', () => {
  it('checks its options before starting anything, exit 2', () => {
    const r = zksim(['record', '--seeds', '5-1', '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--seeds: range "5-1" runs backwards');
    expect(zksim(['record', '--out', tempDir()]).code).toBe(2); // --seeds is required
  });
});
