/**
 * Jepsen/Knossos EDN histories (sim/formats/edn-history.ts): Knossos's preprocessing on hand-written
 * histories, the round trip of every public register and cas-register history through EDN, errors
 * that name the op and the field, and `zksim check` on .edn files.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../sim/check/linearizability/check.js';
import { HistoryFormatError, parseHistory, type History, type HistoryOp } from '../sim/check/linearizability/history.js';
import { historyToEdn, parseEdnHistory } from '../sim/formats/edn-history.js';
import { tempDir, zksim } from './helpers/cli.js';

const DATA = join(import.meta.dirname, '..', '..', 'shared', 'data', 'lin-histories');
const publicFiles = existsSync(DATA) ? readdirSync(DATA).filter((f) => /^(knossos|etcd)_.*\.json$/.test(f)) : [];

const read = (): HistoryOp['input'] => ({ f: 'read' });

/** The error parseEdnHistory throws for `text`. */
function ednError(text: string, model: 'register' | 'cas-register' = 'cas-register'): HistoryFormatError {
  try {
    parseEdnHistory(text, 'h.edn', model);
  } catch (e) {
    if (e instanceof HistoryFormatError) return e;
    throw e;
  }
  throw new Error('parsed without an error');
}

describe('parseEdnHistory: Knossos preprocessing', () => {
  it('pairs invocations with completions per process; name and source come from the file', () => {
    const h = parseEdnHistory(
      `; two processes
       [{:type :invoke, :f :write, :value 3, :process 0, :time 10}
        {:type :invoke, :f :cas, :value [3 4], :process 1, :time 11}
        {:type :ok, :f :write, :value 3, :process 0, :time 12}
        {:type :ok, :f :cas, :value [3 4], :process 1, :time 13}
        {:type :invoke, :f :read, :value nil, :process 0, :time 14}
        {:type :ok, :f :read, :value 4, :process 0, :time 15}]`,
      'runs/jepsen/history.edn',
    );
    expect(h).toEqual({
      version: 1,
      name: 'history',
      source: 'runs/jepsen/history.edn',
      model: 'cas-register',
      init: 0,
      ops: [
        { client: 0, call: 0, return: 2, input: { f: 'write', value: 3 }, output: { status: 'ok' } },
        { client: 1, call: 1, return: 3, input: { f: 'cas', from: 3, to: 4 }, output: { status: 'ok' } },
        { client: 0, call: 4, return: 5, input: read(), output: { status: 'ok', value: 4 } },
      ],
    });
    expect(checkHistory(h).verdict).toBe('linearizable');
  });

  it(':info and a never-completed invoke become pending, returning after everything in call order', () => {
    const h = parseEdnHistory(
      `[{:type :invoke, :f :write, :value 1, :process 0}
        {:type :invoke, :f :cas, :value [1 2], :process 1}
        {:type :info, :f :write, :value 1, :process 0}
        {:type :invoke, :f :read, :value nil, :process 2}
        {:type :ok, :f :read, :value 2, :process 2}]`,
      'h.edn',
    );
    // The :info event takes no position: positions 0..3 are the two invokes and the read.
    expect(h.ops).toEqual([
      { client: 0, call: 0, return: 4, input: { f: 'write', value: 1 }, output: { status: 'unknown' }, pending: true },
      { client: 1, call: 1, return: 5, input: { f: 'cas', from: 1, to: 2 }, output: { status: 'unknown' }, pending: true },
      { client: 2, call: 2, return: 3, input: read(), output: { status: 'ok', value: 2 } },
    ]);
    expect(checkHistory(h).verdict).toBe('linearizable');
  });

  it('drops :fail ops under cas-register (they did not happen) and keeps a failed cas under register', () => {
    const text = `[{:type :invoke, :f :cas, :value [0 5], :process 0}
                   {:type :fail, :f :cas, :value [0 5], :process 0}
                   {:type :invoke, :f :write, :value 7, :process 1}
                   {:type :fail, :f :write, :value 7, :process 1}
                   {:type :invoke, :f :read, :value nil, :process 2}
                   {:type :fail, :f :read, :value nil, :process 2}
                   {:type :invoke, :f :read, :value nil, :process 3}
                   {:type :ok, :f :read, :value 0, :process 3}]`;
    expect(parseEdnHistory(text, 'h.edn').ops).toEqual([{ client: 3, call: 0, return: 1, input: read(), output: { status: 'ok', value: 0 } }]);
    const reg = parseEdnHistory(text, 'h.edn', 'register');
    expect(reg).toMatchObject({ model: 'register', init: null });
    expect(reg.ops).toEqual([
      { client: 0, call: 0, return: 1, input: { f: 'cas', from: 0, to: 5 }, output: { status: 'fail' } },
      { client: 1, call: 2, return: 3, input: { f: 'write', value: 7 }, output: { status: 'fail' } },
      // porcupine's etcd reading: a failed (timed-out) read constrains nothing, at its real return.
      { client: 2, call: 4, return: 5, input: read(), output: { status: 'unknown' } },
      { client: 3, call: 6, return: 7, input: read(), output: { status: 'ok', value: 0 } },
    ]);
    // The register starts absent, so reading 0 is wrong there; under cas-register 0 is the initial value.
    expect(checkHistory(reg).verdict).toBe('not-linearizable');
    expect(checkHistory(parseEdnHistory(text, 'h.edn')).verdict).toBe('linearizable');
  });

  it('drops nemesis ops without counting them; an ok read of nil is unknown under cas-register, null under register', () => {
    const text = `{:type :invoke, :f :read, :value nil, :process 0}
                  {:type :info, :f :start, :value nil, :process :nemesis}
                  {:type :info, :f :start, :value "Cut off [:n1 #{:n2}]", :process :nemesis}
                  {:type :ok, :f :read, :value nil, :process 0}`;
    expect(parseEdnHistory(text, 'h.edn').ops).toEqual([{ client: 0, call: 0, return: 1, input: read(), output: { status: 'unknown' } }]);
    expect(parseEdnHistory(text, 'h.edn', 'register').ops).toEqual([{ client: 0, call: 0, return: 1, input: read(), output: { status: 'ok', value: null } }]);
  });

  it('reads a list, bare maps one after another, #_ discards and #jepsen.history.Op records alike', () => {
    const expected = [{ client: 4, call: 0, return: 1, input: { f: 'write', value: 2 }, output: { status: 'ok' } }];
    const invoke = '{:type :invoke, :f :write, :value 2, :process 4}';
    const ok = '{:type :ok, :f :write, :value 2, :process 4}';
    for (const text of [`(${invoke} ${ok})`, `${invoke}\n${ok}\n`, `[${invoke} #_ {:junk 1} ${ok}] ; done`, `[#jepsen.history.Op${invoke} #jepsen.history.Op${ok}]`]) {
      expect(parseEdnHistory(text, 'h.edn').ops).toEqual(expected);
    }
  });
});

describe('parseEdnHistory: errors name the file, the op and the field', () => {
  it('malformed EDN, with the line and column', () => {
    expect(ednError('[{:type :invoke, :f :read, :process 0}').message).toBe('h.edn: (file): not EDN: the [ at line 1, column 1 is never closed');
    expect(ednError('[{:type :invoke\n  :f :read, :process 0]').message).toMatch(/^h\.edn: \(file\): not EDN: unexpected \] at line 2, column 23: the \{ at line 1, column 2 is still open$/);
    expect(ednError('[{:type :invoke, :f :read, :process}]').message).toMatch(/not EDN: the map at line 1, column 2 has a key without a value/);
    expect(ednError('[{:type :invoke, :f "read}]').message).toMatch(/not EDN: the string at line 1, column 21 is never closed/);
    expect(ednError('').message).toMatch(/h\.edn: \(file\): empty/);
  });

  it('a missing or bad field', () => {
    const e = ednError('[{:type :invoke, :f :read, :process 0}\n {:type :ok, :f :read, :value 1}]');
    expect(e.message).toBe('h.edn: op 1: :process: missing: every op names its process');
    expect(e.opIndex).toBe(1);
    expect(e.field).toBe(':process');
    expect(ednError('[{:type :invoke, :f :add, :value 1, :process 0}]').message).toBe('h.edn: op 0: :f: unknown :f :add: expected :read, :write or :cas');
    expect(ednError('[{:type :invoke, :process 0}]').message).toBe('h.edn: op 0: :f: missing');
    expect(ednError('[{:type :invoke, :f :read, :process "p0"}]').message).toMatch(/op 0: :process: "p0" is not a process/);
    expect(ednError('[{:type :begin, :f :read, :process 0}]').message).toMatch(/op 0: :type: unknown :type :begin/);
    expect(ednError('[{:type :invoke, :f :cas, :value 3, :process 0}]').message).toMatch(/op 0: :value: 3: a :cas takes \[from to\]/);
    expect(ednError('[{:type :invoke, :f :write, :process 0}]').message).toMatch(/op 0: :value: missing/);
    expect(ednError('[{:type :invoke, :f :read, :process 0} [1 2]]').message).toMatch(/op 1: \(op\): \[1 2\] is not an op map/);
    expect(ednError('[{:type :invoke, :f :read, :process 0, :process 1}]').message).toMatch(/op 0: :process: appears twice/);
  });

  it('a completion without an invocation, a second invoke while one is open, a completion of another :f', () => {
    expect(ednError('[{:type :ok, :f :read, :value 1, :process 3}]').message).toBe('h.edn: op 0: :type: :ok completion of process 3 without an invocation');
    expect(ednError('[{:type :invoke, :f :read, :process 3} {:type :invoke, :f :read, :process 3}]').message).toMatch(/op 1: :process: process 3 invokes again while its op 0 has not completed/);
    expect(ednError('[{:type :invoke, :f :read, :process 3} {:type :ok, :f :write, :value 1, :process 3}]').message).toMatch(/op 1: :f: :write completes op 0, an invoke of :read/);
  });
});

describe('historyToEdn', () => {
  it.skipIf(publicFiles.length === 0)('every public knossos and etcd history reads back to equal ops and the same verdict', () => {
    expect(publicFiles.length).toBeGreaterThan(200);
    for (const file of publicFiles) {
      const h = parseHistory(readFileSync(join(DATA, file), 'utf8'), file);
      const back = parseEdnHistory(historyToEdn(h), `${h.name}.edn`, h.model as 'register' | 'cas-register');
      // Their times are already event positions and each client has one op open at a time, so the
      // mapping is exact.
      expect(back.ops, file).toEqual(h.ops);
      expect(checkHistory(back).verdict, file).toBe(checkHistory(h).verdict);
    }
  });

  it('writes one op map per line in a vector, pending ops closed by :info at the end', () => {
    const h: History = {
      version: 1,
      name: 'small',
      model: 'register',
      init: null,
      ops: [
        { client: 0, call: 0, return: 9, input: { f: 'write', value: 1 }, output: { status: 'unknown' }, pending: true },
        { client: 1, call: 1, return: 2, input: { f: 'cas', from: 1, to: 2 }, output: { status: 'fail' } },
        { client: 1, call: 3, return: 4, input: read(), output: { status: 'ok', value: null } },
      ],
    };
    expect(historyToEdn(h)).toBe(
      [
        '; small: a register history written by zksim; read it back as model register',
        '[{:type :invoke, :f :write, :value 1, :process 0, :time 0}',
        ' {:type :invoke, :f :cas, :value [1 2], :process 1, :time 1}',
        ' {:type :fail, :f :cas, :value [1 2], :process 1, :time 2}',
        ' {:type :invoke, :f :read, :value nil, :process 1, :time 3}',
        ' {:type :ok, :f :read, :value nil, :process 1, :time 4}',
        ' {:type :info, :f :write, :value 1, :process 0, :time 9}]',
        '',
      ].join('\n'),
    );
    // Read back, the pending write returns right after the last real event.
    expect(parseEdnHistory(historyToEdn(h), 'small.edn', 'register').ops).toEqual(h.ops.map((op) => (op.pending ? { ...op, return: 5 } : op)));
  });

  it('keeps touching intervals concurrent and gives a busy client a fresh process', () => {
    // Tick times: the read's call shares the write's return time, so they are concurrent and the
    // read of the initial null may come first. A client's next op calls at its last op's return.
    const h: History = {
      version: 1,
      name: 'ticks',
      model: 'register',
      init: null,
      ops: [
        { client: 0, call: 100, return: 150, input: { f: 'write', value: 1 }, output: { status: 'ok' } },
        { client: 1, call: 120, return: 200, input: { f: 'write', value: 2 }, output: { status: 'unknown' }, pending: true },
        { client: 0, call: 150, return: 170, input: read(), output: { status: 'ok', value: null } },
        { client: 1, call: 300, return: 320, input: read(), output: { status: 'ok', value: 2 } },
      ],
    };
    expect(checkHistory(h).verdict).toBe('linearizable');
    const back = parseEdnHistory(historyToEdn(h), 'ticks.edn', 'register');
    expect(checkHistory(back).verdict).toBe('linearizable');
    expect(back.ops.map((op) => [op.client, op.call, op.return])).toEqual([
      [0, 0, 3],
      [1, 1, 7],
      [2, 2, 4],
      [3, 5, 6],
    ]);
    expect(back.ops.map((op) => op.input)).toEqual(h.ops.map((op) => op.input));
  });

  it('refuses what Knossos would read with another meaning', () => {
    const base = { version: 1 as const, name: 'x', model: 'cas-register' as const, init: 0 };
    expect(() => historyToEdn({ ...base, model: 'kv', init: '', ops: [] })).toThrow(/x: a kv history has no Jepsen register EDN form/);
    expect(() => historyToEdn({ ...base, init: 5, ops: [] })).toThrow(/init 5/);
    expect(() => historyToEdn({ ...base, ops: [{ client: 0, call: 0, return: 1, input: { f: 'cas', from: 1, to: 2 }, output: { status: 'fail' } }] })).toThrow(
      /x: op 0: Knossos drops a :fail cas .* check it as model register/,
    );
    expect(() => historyToEdn({ ...base, ops: [{ client: 0, call: 0, return: 1, input: { f: 'write', value: 1 }, output: { status: 'unknown' } }] })).toThrow(/op 0: a write with status unknown .* mark it pending/);
    expect(() => historyToEdn({ ...base, ops: [{ client: 0, call: 0, return: 1, input: read(), output: { status: 'ok', value: null } }] })).toThrow(/op 0: an ok read of nil/);
  });
});

describe('zksim check on EDN', () => {
  const good = '[{:type :invoke, :f :write, :value 0, :process 0}\n {:type :ok, :f :write, :value 0, :process 0}]\n';
  // Knossos's rethink-fail-minimal: a read of 3 concurrent with a write of 4 after 0.
  const bad = `({:type :invoke, :f :write, :value 0, :process 0}
   {:type :ok, :f :write, :value 0, :process 0}
   {:type :invoke, :f :read, :value nil, :process 1}
   {:type :invoke, :f :write, :value 4, :process 2}
   {:type :ok, :f :read, :value 3, :process 1}
   {:type :ok, :f :write, :value 4, :process 2})`;

  it('reads .edn files as Jepsen histories (cas-register by default), or any file with --format edn', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.edn'), good);
    writeFileSync(join(dir, 'bad.txt'), bad);
    const ok = zksim(['check', join(dir, 'x.edn'), '--json']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout.trim())).toMatchObject({ verdict: 'linearizable', model: 'cas-register', ops: 1 });
    const r = zksim(['check', join(dir, 'x.edn'), join(dir, 'bad.txt'), '--format', 'edn', '--model', 'register']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/x\.edn: linearizable, 1 ops/);
    expect(r.stdout).toMatch(/bad\.txt: not-linearizable/);
  });

  it('malformed EDN exits 2 naming the file, the op and the field', () => {
    const dir = tempDir();
    const file = join(dir, 'x.edn');
    writeFileSync(file, '[{:type :invoke, :f :read, :process 0}\n {:type :ok, :f :read, :value 1}]');
    const r = zksim(['check', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/x\.edn: op 1: :process: missing/);
    writeFileSync(file, '[{:type :invoke, :f :read, :process 0}');
    expect(zksim(['check', file]).stderr).toMatch(/x\.edn: \(file\): not EDN: the \[ at line 1, column 1 is never closed/);
    expect(zksim(['check', file, '--format', 'yaml']).stderr).toMatch(/--format: "yaml" is not a format/);
    expect(zksim(['check', file, '--model', 'kv']).stderr).toMatch(/--model: an EDN history is a register or cas-register history/);
  });
});
