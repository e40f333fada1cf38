/**
 * The recorded golden files in test/fixtures/golden/ (made with `zksim record --seeds 1-24`) parse and
 * hold the format's invariants. Needs no server: it guards the fixtures the simulator is compared with.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGolden } from '../sim/conformance/golden.js';
import { goldenProblems } from './helpers/golden-invariants.js';

const DIR = join(import.meta.dirname, 'fixtures', 'golden');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort((a, b) => seedOf(a) - seedOf(b));

function seedOf(file: string): number {
  return Number(/^golden-seed-(\d+)\.json$/.exec(file)?.[1] ?? NaN);
}

describe('golden fixtures', () => {
  it('are the 24 files of seeds 1..24', () => {
    expect(files.map(seedOf)).toEqual(Array.from({ length: 24 }, (_, k) => k + 1));
  });

  it.each(files)('%s parses and holds the invariants', (file) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    const g = parseGolden(text, file);
    expect(g.seed).toBe(seedOf(file));
    expect(g.clients).toBe(1 + (g.seed % 3));
    expect(g.length).toBeGreaterThanOrEqual(200);
    expect(g).toEqual(JSON.parse(text)); // the parser kept every field
    expect(text.split('\n').length).toBeGreaterThan(g.length); // one array element per line
    expect(goldenProblems(g)).toEqual([]);
  });

  it('the invariant check notices a wrong zxid and a lost delta', () => {
    const load = () => parseGolden(readFileSync(join(DIR, files[0]), 'utf8'), files[0]);
    const g = load();
    const t = g.ops.findIndex((o) => o.zxid !== undefined && o.i > g.clients);
    g.ops[t].zxid = (g.ops[t].zxid ?? 0) + 1;
    expect(goldenProblems(g).join('\n')).toMatch(/zxid/);
    const h = load();
    // The last op that changed the tree: nothing later re-sets its entries, so finalTree must differ.
    const d = h.ops.map((o) => o.delta.set.length > 0).lastIndexOf(true);
    h.ops[d].delta.set = [];
    expect(goldenProblems(h).join('\n')).toMatch(/initialTree \+ deltas does not give finalTree/);
  });

  it('together exercise every error, both multi outcomes, closes and watch events', () => {
    const ops = files.flatMap((f) => parseGolden(readFileSync(join(DIR, f), 'utf8'), f).ops);
    const rcs = new Set(ops.map((o) => o.result.rc));
    for (const rc of ['NO_NODE', 'NODE_EXISTS', 'BAD_VERSION', 'NOT_EMPTY', 'NO_CHILDREN_FOR_EPHEMERALS']) expect(rcs).toContain(rc);
    const multis = ops.flatMap((o) => (o.op === 'multi' && 'committed' in o.result ? [o.result.committed] : []));
    expect(multis).toContain(true);
    expect(multis).toContain(false);
    expect(ops.some((o) => o.op === 'close' && o.events.length > 0)).toBe(true);
    const types = new Set(ops.flatMap((o) => o.events.map((e) => e.type)));
    expect([...types].sort()).toEqual(['NODE_CHILDREN_CHANGED', 'NODE_CREATED', 'NODE_DATA_CHANGED', 'NODE_DELETED']);
    const modes = new Set(ops.flatMap((o) => (o.op === 'create' ? [o.args.mode] : [])));
    expect(modes.size).toBe(4);
  });
});
