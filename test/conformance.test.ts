import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGolden } from '../sim/conformance/golden.js';
import { replayGolden } from '../sim/conformance/replay.js';

const DIR = join(import.meta.dirname, 'fixtures', 'golden');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

describe('conformance: committed golden files replay into the simulator at all five tiers', () => {
  it.each(files)('%s', (file) => {
    const g = parseGolden(readFileSync(join(DIR, file), 'utf8'), file);
    const report = replayGolden(g);
    if (report.firstMismatch !== undefined) console.log(file, JSON.stringify(report.firstMismatch, null, 1).slice(0, 3000));
    expect(report.tiers).toEqual({ 1: true, 2: true, 3: true, 4: true, 5: true });
  });
});

describe('conformance: the comparison catches each kind of difference', () => {
  const file = files[0];
  const fresh = () => parseGolden(readFileSync(join(DIR, file), 'utf8'), file);
  const firstWhere = (g: ReturnType<typeof fresh>, pred: (o: (typeof g.ops)[number]) => boolean) => g.ops.findIndex(pred);

  it('reports close events matched in the emulated HashSet order', () => {
    let total = 0;
    let closesWithSeveral = 0;
    for (const f of files) {
      const g = parseGolden(readFileSync(join(DIR, f), 'utf8'), f);
      closesWithSeveral += g.ops.filter((o) => o.op === 'close' && o.events.length >= 2).length;
      total += replayGolden(g).closeOrderDiffers;
    }
    console.log(`closes with 2+ events: ${closesWithSeveral}; matched only as a multiset: ${total}`);
    expect(total).toBe(0);
  });

  it('tier 1: a different rc', () => {
    const g = fresh();
    const i = firstWhere(g, (o) => o.op === 'create' && o.result.rc === 'OK');
    g.ops[i].result = { rc: 'NODE_EXISTS', code: -110 };
    const r = replayGolden(g);
    expect(r.tiers[1]).toBe(false);
    expect(r.firstMismatch).toMatchObject({ tier: 1, op: i });
  });

  it('tier 2: a different stat version', () => {
    const g = fresh();
    const i = firstWhere(g, (o) => o.op === 'setData' && o.result.rc === 'OK');
    (g.ops[i].result as { stat: { version: number } }).stat.version += 1;
    const r = replayGolden(g);
    expect(r.tiers).toMatchObject({ 1: true, 2: false });
    expect(r.firstMismatch).toMatchObject({ tier: 2, op: i });
  });

  it('tier 3: a different zxid', () => {
    const g = fresh();
    const i = firstWhere(g, (o) => o.op === 'delete');
    g.ops[i].zxid! += 1;
    const r = replayGolden(g);
    expect(r.tiers).toMatchObject({ 2: true, 3: false });
    expect(r.firstMismatch).toMatchObject({ tier: 3, op: i });
  });

  it('tier 4: a missing watch event', () => {
    const g = fresh();
    const i = firstWhere(g, (o) => o.events.length > 0);
    g.ops[i].events.pop();
    const r = replayGolden(g);
    expect(r.tiers).toMatchObject({ 3: true, 4: false });
    expect(r.firstMismatch).toMatchObject({ tier: 4, op: i });
  });

  it('tier 5: a different tree', () => {
    const g = fresh();
    const i = firstWhere(g, (o) => o.delta.set.length > 0);
    g.ops[i].delta.set[0].data = 'tampered';
    const r = replayGolden(g);
    expect(r.tiers).toMatchObject({ 4: true, 5: false });
    expect(r.firstMismatch).toMatchObject({ tier: 5, op: i });
  });
});
