/**
 * The 224 public histories (porcupine's etcd and kv logs, knossos's cas-register EDN files,
 * converted to the interchange format) in ../shared/data/lin-histories: the checker must give
 * each one its expected verdict. Prints the total time and the slowest files beside porcupine's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../sim/check/linearizability/check.js';
import { parseHistory } from '../sim/check/linearizability/history.js';

const DIR = join(import.meta.dirname, '..', '..', 'shared', 'data', 'lin-histories');
const INDEX = join(DIR, 'index.json');
/** Per-file cap, so that one runaway search reports `unknown` instead of eating the whole timeout. */
const PER_FILE_DEADLINE_MS = 60_000;

interface IndexEntry {
  file: string;
  name: string;
  model: string;
  expected: 'linearizable' | 'not-linearizable';
  ops: number;
  porcupineMs: number;
}

interface Row {
  name: string;
  model: string;
  ops: number;
  expected: string;
  got: string;
  ms: number;
  steps: number;
  porcupineMs: number;
}

const present = existsSync(INDEX);
const inCI = process.env.CI === 'true';

describe('public linearizability histories', () => {
  if (!present && !inCI) {
    it.skip(`skipped: ${DIR} is missing (set CI=true to make this an error)`, () => {});
    console.log(`lin-public: ${INDEX} not found; skipping the public-history test`);
    return;
  }

  it('every history gets its expected verdict', { timeout: 120_000 }, () => {
    expect(present, `${INDEX} is missing (CI=true, so this is an error)`).toBe(true);
    const index = JSON.parse(readFileSync(INDEX, 'utf8')) as IndexEntry[];
    expect(index.length).toBeGreaterThan(0);

    const rows: Row[] = [];
    let parseMs = 0;
    const t0 = performance.now();
    for (const e of index) {
      const p0 = performance.now();
      const h = parseHistory(readFileSync(join(DIR, e.file), 'utf8'), e.file);
      parseMs += performance.now() - p0;
      const start = performance.now();
      const r = checkHistory(h, { deadline: () => performance.now() - start > PER_FILE_DEADLINE_MS });
      const ms = performance.now() - start;
      rows.push({ name: e.name, model: e.model, ops: e.ops, expected: e.expected, got: r.verdict, ms, steps: r.steps, porcupineMs: e.porcupineMs });
    }
    const wallMs = performance.now() - t0;

    const checkMs = rows.reduce((s, r) => s + r.ms, 0);
    const porcMs = rows.reduce((s, r) => s + r.porcupineMs, 0);
    const lines = [
      `lin-public: ${rows.length} histories, wall ${wallMs.toFixed(0)} ms (checkHistory ${checkMs.toFixed(0)} ms, parse ${parseMs.toFixed(0)} ms); porcupine sum ${porcMs.toFixed(0)} ms`,
    ];
    for (const model of [...new Set(rows.map((r) => r.model))]) {
      const rs = rows.filter((r) => r.model === model);
      lines.push(
        `  ${model}: ${rs.length} files, checkHistory ${rs.reduce((s, r) => s + r.ms, 0).toFixed(1)} ms, porcupine ${rs.reduce((s, r) => s + r.porcupineMs, 0).toFixed(1)} ms`,
      );
    }
    lines.push('  slowest 5 (checkHistory ms / porcupine ms):');
    for (const r of [...rows].sort((a, b) => b.ms - a.ms).slice(0, 5)) {
      lines.push(`    ${r.name} (${r.model}, ${r.ops} ops, ${r.expected}): ${r.ms.toFixed(1)} ms / ${r.porcupineMs} ms, ${r.steps} steps`);
    }
    const wrong = rows.filter((r) => r.got !== r.expected);
    if (wrong.length > 0) lines.push(`  WRONG: ${wrong.map((r) => `${r.name} expected ${r.expected} got ${r.got}`).join('; ')}`);
    console.log(lines.join('\n'));

    expect(wrong.map((r) => `${r.name}: expected ${r.expected}, got ${r.got}`)).toEqual([]);
  });
});
