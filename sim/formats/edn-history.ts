/**
 * Jepsen/Knossos EDN histories in and out of the interchange format (../shared/formats/history.md).
 *
 * Reading applies Knossos's preprocessing, so that a history checks here as it would in Knossos:
 * nemesis ops are dropped; under `cas-register` an op completed with `:fail` is removed (Knossos:
 * it definitely did not happen) and an `:ok` read of nil becomes `unknown` (Knossos's register
 * accepts it in any state); an `:info` completion or an invocation that never completed becomes a
 * pending op, status `unknown`, returning after everything. Times are positions in the EDN sequence
 * counting only the events kept (`:time` is ignored: Jepsen's clocks are per node and Knossos orders
 * by position too); pending ops take the positions after the last one, in call order.
 *
 * `register` (etcd, as porcupine reads its Jepsen logs) differs where `:fail` and nil carry
 * information: a `:fail` cas stays with status `fail` (the compare failed: the register did not hold
 * `from`), a `:fail` write stays `fail` (no effect), a `:fail` read is `unknown` with its real return
 * (a timed-out read constrains nothing), and an `:ok` read of nil reads the absent value `null`.
 *
 * Writing is the inverse: an invoke and a completion per op in time order, pending ops' `:info`
 * completions after every other event. An op whose meaning EDN cannot carry is refused rather than
 * silently weakened, so `parseEdnHistory(historyToEdn(h), f, h.model)` always checks to h's verdict.
 */
import { parseEDNString, toEDNString, toKeyword, type EDNVal } from 'edn-data';
import { HistoryFormatError, type History, type HistoryOp } from '../check/linearizability/history.js';

export type EdnModel = 'register' | 'cas-register';

type OpType = 'invoke' | 'ok' | 'fail' | 'info';
type Scalar = number | string | null;
const OP_TYPES: readonly string[] = ['invoke', 'ok', 'fail', 'info'];
const FS: readonly string[] = ['read', 'write', 'cas'];

// --- reading -------------------------------------------------------------------------------------

interface Invocation {
  index: number;
  process: number;
  input: HistoryOp['input'];
  completion?: { index: number; type: Exclude<OpType, 'invoke'>; value: Scalar };
}

/** Reads a Jepsen history (a vector or list of op maps, or the maps one after another). */
export function parseEdnHistory(text: string, file: string, model: EdnModel = 'cas-register'): History {
  const fail = (opIndex: number | undefined, field: string, problem: string): never => {
    throw new HistoryFormatError(file, field, problem, opIndex);
  };
  const entries = readEdnSequence(text, (problem) => fail(undefined, '(file)', problem));

  const invocations: Invocation[] = [];
  const open = new Map<number, Invocation>();
  entries.forEach((entry, i) => {
    const op = opFields(entry, (field, problem) => fail(i, field, problem));
    const process = op.get('process');
    if (process === undefined) return fail(i, ':process', 'missing: every op names its process');
    if (isKeyword(process, 'nemesis')) return;
    if (typeof process !== 'number' || !Number.isSafeInteger(process)) return fail(i, ':process', `${show(process)} is not a process: expected an integer or :nemesis`);

    const type = keywordField(op, 'type', i, fail);
    if (!OP_TYPES.includes(type)) return fail(i, ':type', `unknown :type :${type}: expected :invoke, :ok, :fail or :info`);
    const f = keywordField(op, 'f', i, fail);
    if (!FS.includes(f)) return fail(i, ':f', `unknown :f :${f}: expected :read, :write or :cas`);

    if (type === 'invoke') {
      const already = open.get(process);
      if (already !== undefined) {
        // Jepsen runs one op per process at a time (a crashed process comes back under a new id), so
        // a second invoke means the history lost a completion or mixes two runs.
        return fail(i, ':process', `process ${process} invokes again while its op ${already.index} has not completed`);
      }
      const inv: Invocation = { index: i, process, input: invocationInput(f, op, i, fail) };
      invocations.push(inv);
      open.set(process, inv);
      return;
    }
    const inv = open.get(process);
    if (inv === undefined) return fail(i, ':type', `:${type} completion of process ${process} without an invocation`);
    if (f !== inv.input.f) return fail(i, ':f', `:${f} completes op ${inv.index}, an invoke of :${inv.input.f}`);
    let value: Scalar = null;
    if (f === 'read' && type === 'ok') value = scalarField(op, 'value', i, fail, true);
    inv.completion = { index: i, type: type as Exclude<OpType, 'invoke'>, value };
    open.delete(process);
  });

  interface Kept {
    inv: Invocation;
    output: HistoryOp['output'];
    /** Entry index of the completion that gives the return time; undefined = pending. */
    returnAt?: number;
  }
  const kept: Kept[] = [];
  for (const inv of invocations) {
    const c = inv.completion;
    if (c === undefined || c.type === 'info') {
      kept.push({ inv, output: { status: 'unknown' } });
    } else if (c.type === 'ok') {
      if (inv.input.f !== 'read') kept.push({ inv, output: { status: 'ok' }, returnAt: c.index });
      else if (c.value === null && model === 'cas-register') kept.push({ inv, output: { status: 'unknown' }, returnAt: c.index });
      else kept.push({ inv, output: { status: 'ok', value: c.value }, returnAt: c.index });
    } else if (model === 'register') {
      kept.push({ inv, output: { status: inv.input.f === 'read' ? 'unknown' : 'fail' }, returnAt: c.index });
    }
  }

  const keptEntries: number[] = [];
  for (const k of kept) {
    keptEntries.push(k.inv.index);
    if (k.returnAt !== undefined) keptEntries.push(k.returnAt);
  }
  keptEntries.sort((a, b) => a - b);
  const position = new Map(keptEntries.map((entry, pos) => [entry, pos]));
  let end = keptEntries.length;
  const ops: HistoryOp[] = kept.map((k) => {
    const op: HistoryOp = {
      client: k.inv.process,
      call: position.get(k.inv.index)!,
      // Invocations are in entry order, so pending returns come out in call order.
      return: k.returnAt === undefined ? end++ : position.get(k.returnAt)!,
      input: k.inv.input,
      output: k.output,
    };
    if (k.returnAt === undefined) op.pending = true;
    return op;
  });

  const base = file.split(/[\\/]/).pop()!;
  const dot = base.lastIndexOf('.');
  return {
    version: 1,
    name: dot > 0 ? base.slice(0, dot) : base,
    source: file,
    model,
    init: model === 'register' ? null : 0,
    ops,
  };
}

type FieldFail = (opIndex: number | undefined, field: string, problem: string) => never;

function invocationInput(f: string, op: Map<string, unknown>, i: number, fail: FieldFail): HistoryOp['input'] {
  if (f === 'read') return { f: 'read' };
  if (f === 'write') return { f: 'write', value: scalarField(op, 'value', i, fail, false) };
  const v = op.get('value');
  const pair = Array.isArray(v) ? v : isList(v) ? v.list : undefined;
  if (pair === undefined || pair.length !== 2) return fail(i, ':value', `${show(v)}: a :cas takes [from to]`);
  const [from, to] = pair.map((x: unknown) => toNumber(x));
  if (from === undefined || to === undefined) return fail(i, ':value', `${show(v)}: a :cas compares and sets numbers`);
  return { f: 'cas', from, to };
}

function keywordField(op: Map<string, unknown>, key: string, i: number, fail: FieldFail): string {
  const v = op.get(key);
  if (v === undefined) return fail(i, `:${key}`, 'missing');
  if (!isKeyword(v)) return fail(i, `:${key}`, `${show(v)} is not a keyword`);
  return v.key;
}

function scalarField(op: Map<string, unknown>, key: string, i: number, fail: FieldFail, missingIsNil: boolean): Scalar {
  const v = op.get(key);
  if (v === undefined && !missingIsNil) return fail(i, `:${key}`, 'missing');
  if (v === undefined || v === null || typeof v === 'string') return v ?? null;
  const n = toNumber(v);
  if (n === undefined) return fail(i, `:${key}`, `${show(v)}: expected an integer, a string or nil`);
  return n;
}

function toNumber(v: unknown): number | undefined {
  // edn-data reads a too-large integer as an inexact double, or as a bigint when written 123N.
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  return Number.isInteger(v) && !Number.isSafeInteger(v) ? undefined : v;
}

/** An op's keyword-keyed fields (other keys, which Jepsen never writes, are ignored). */
function opFields(entry: unknown, fail: (field: string, problem: string) => never): Map<string, unknown> {
  // Newer Jepsen prints ops as records, #jepsen.history.Op{...}.
  const v = isTagged(entry) ? entry.val : entry;
  if (!isMap(v)) return fail('(op)', `${show(v)} is not an op map like {:type :invoke, :f :read, :process 0}`);
  const out = new Map<string, unknown>();
  for (const [k, val] of v.map) {
    if (!isKeyword(k)) continue;
    if (out.has(k.key)) return fail(`:${k.key}`, 'appears twice in the op map');
    out.set(k.key, val);
  }
  return out;
}

function isKeyword(v: unknown, name?: string): v is { key: string } {
  return typeof v === 'object' && v !== null && typeof (v as { key?: unknown }).key === 'string' && (name === undefined || (v as { key: string }).key === name);
}
function isMap(v: unknown): v is { map: [unknown, unknown][] } {
  return typeof v === 'object' && v !== null && Array.isArray((v as { map?: unknown }).map);
}
function isList(v: unknown): v is { list: unknown[] } {
  return typeof v === 'object' && v !== null && Array.isArray((v as { list?: unknown }).list);
}
function isTagged(v: unknown): v is { tag: string; val: unknown } {
  return typeof v === 'object' && v !== null && typeof (v as { tag?: unknown }).tag === 'string' && 'val' in v;
}

/** A parsed value as EDN again, shortened, for error messages. */
function show(v: unknown): string {
  let s: string;
  try {
    s = toEDNString(v as EDNVal);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** The op entries: the one top-level vector or list, or the top-level forms themselves. */
function readEdnSequence(text: string, fail: (problem: string) => never): unknown[] {
  // A byte-order mark would read as a symbol before the history.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const problem = ednShapeProblem(body);
  if (problem !== undefined) return fail(`not EDN: ${problem}`);
  let forms: unknown;
  try {
    // The newline keeps a trailing comment from swallowing the closing bracket.
    forms = parseEDNString(`[${body}\n]`, { mapAs: 'doubleArray', keywordAs: 'object', listAs: 'object', setAs: 'object' });
  } catch (e) {
    return fail(`not EDN (${(e as Error).message})`);
  }
  const all = forms as unknown[];
  if (all.length === 0) return fail('empty: expected a vector of op maps');
  if (all.length === 1 && Array.isArray(all[0])) return all[0] as unknown[];
  if (all.length === 1 && isList(all[0])) return all[0].list;
  return all;
}

/**
 * The first structural problem in `text`, with its line and column, or undefined. edn-data is
 * lenient: it returns null for an unclosed vector, takes `[1}` for a set and drops the key of a map
 * with an odd number of forms. Those would reach the checker as a silently different history, so
 * brackets, strings and map arity are checked here first.
 */
function ednShapeProblem(text: string): string | undefined {
  interface Frame {
    open: string;
    at: string;
    forms: number;
    /** Reader prefixes (a tag, or #_ discard) waiting for their form. */
    prefixes: ('tag' | 'discard')[];
  }
  const top: Frame = { open: '', at: '', forms: 0, prefixes: [] };
  const stack: Frame[] = [top];
  let line = 1;
  let lineStart = 0;
  const where = (i: number) => `line ${line}, column ${i - lineStart + 1}`;
  // edn-data's whitespace: any other character is part of a token to it.
  const space = (c: string) => c === ' ' || c === ',' || c === '\t' || c === '\r' || c === '\n';
  const delimiter = (c: string) => space(c) || '()[]{}";'.includes(c);
  const formDone = () => {
    const f = stack[stack.length - 1];
    for (;;) {
      const p = f.prefixes.pop();
      if (p === 'discard') return;
      if (p === undefined) {
        f.forms++;
        return;
      }
    }
  };
  const closers: Record<string, string> = { '(': ')', '[': ']', '{': '}', '#{': '}' };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
      i++;
    } else if (space(c)) {
      i++;
    } else if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"') {
      const start = where(i);
      i++;
      for (;;) {
        if (i >= text.length) return `the string at ${start} is never closed`;
        const d = text[i];
        if (d === '"') break;
        if (d === '\n') {
          line++;
          lineStart = i + 1;
        }
        if (d === '\\') {
          const e = text[i + 1];
          if (e === 'u') {
            if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return `bad \\u escape in a string at ${where(i)}`;
            i += 4;
          } else if (e === undefined || !'trnbf\\"'.includes(e)) {
            return `unknown escape \\${e ?? ''} in a string at ${where(i)}`;
          }
          i++;
        }
        i++;
      }
      i++;
      formDone();
    } else if (c === '(' || c === '[' || c === '{' || (c === '#' && text[i + 1] === '{')) {
      const open = c === '#' ? '#{' : c;
      stack.push({ open, at: where(i), forms: 0, prefixes: [] });
      i += open.length;
    } else if (c === ')' || c === ']' || c === '}') {
      const f = stack[stack.length - 1];
      if (f === top) return `unexpected ${c} at ${where(i)}: nothing is open`;
      if (closers[f.open] !== c) return `unexpected ${c} at ${where(i)}: the ${f.open} at ${f.at} is still open`;
      if (f.prefixes.length > 0) return `a tag or #_ before ${c} at ${where(i)} has no form`;
      if (f.open === '{' && f.forms % 2 === 1) return `the map at ${f.at} has a key without a value`;
      stack.pop();
      i++;
      formDone();
    } else if (c === '#' && text[i + 1] === '_') {
      stack[stack.length - 1].prefixes.push('discard');
      i += 2;
    } else {
      const start = i;
      // edn-data would take the bracket of \( for a real one.
      if (c === '\\' && (i + 1 >= text.length || delimiter(text[i + 1]))) return `character literal \\${text[i + 1] ?? ''} at ${where(i)} is not supported`;
      while (i < text.length && !delimiter(text[i])) i++;
      const token = text.slice(start, i);
      if (c === '#' && token.length > 1 && token[1] !== '#') stack[stack.length - 1].prefixes.push('tag');
      else formDone();
    }
  }
  if (stack.length > 1) {
    const f = stack[stack.length - 1];
    return `the ${f.open} at ${f.at} is never closed`;
  }
  if (top.prefixes.length > 0) return 'a tag or #_ at the end has no form';
  return undefined;
}

// --- writing -------------------------------------------------------------------------------------

/**
 * A register or cas-register history as a Jepsen EDN history: a vector with one op map per line,
 * an invoke and a completion per op, in time order (at equal times invocations first, so ops whose
 * intervals touch stay concurrent). Pending ops complete with `:info` after every other event, as
 * Jepsen closes a crashed process's op; read back they are pending again. Processes are the ops'
 * clients, except that a client with an op still open (a pending one, or one whose return shares
 * its next call's time) gets a fresh process id, as Jepsen gives a crashed process a new one.
 * `:time` carries the history's own times; readers order by position.
 *
 * Refused (Error), because Knossos's reading would change the verdict: kv histories, an init other
 * than the model's (nil, 0), and under `cas-register` a cas with status `fail` (Knossos drops it,
 * losing the failed compare) or an `ok` read of null (Knossos takes it as unknown). Also refused: a
 * write or cas with status `unknown` that is not pending, since `:info` would leave it open to the
 * end; mark it pending if its effect may come late. Everything else reads back to equal ops when the
 * times are already event positions, and to the same verdict always.
 */
export function historyToEdn(h: History): string {
  const refuse = (why: string, i?: number): never => {
    throw new Error(`${h.name}: ${i === undefined ? '' : `op ${i}: `}${why}`);
  };
  if (h.model !== 'register' && h.model !== 'cas-register') refuse(`a ${h.model} history has no Jepsen register EDN form: keep it as JSON (history.md)`);
  const init = h.model === 'register' ? null : 0;
  if (h.init !== init) refuse(`init ${JSON.stringify(h.init)}: a Jepsen ${h.model} history starts from ${init === null ? 'nil' : '0'}`);

  const completionType: OpType[] = h.ops.map((op, i) => {
    const { f } = op.input;
    const { status } = op.output;
    if (f !== 'read' && f !== 'write' && f !== 'cas') return refuse(`${f} is not a register op`, i);
    // A read the checker skips (a plain ZooKeeper read may be stale) would be checked in EDN.
    if ((op as { consistency?: string }).consistency === 'sequential') return refuse('a sequential read has no EDN form (Knossos would check it)', i);
    if (op.pending) return status === 'unknown' ? 'info' : refuse(`a pending op has status unknown, not ${status}`, i);
    if (status === 'ok') {
      if (f === 'read' && (op.output.value ?? null) === null && h.model === 'cas-register') return refuse('an ok read of nil is unknown to Knossos\'s cas-register; check it as model register', i);
      return 'ok';
    }
    if (status === 'fail') {
      if (f === 'cas' && h.model === 'cas-register') return refuse('Knossos drops a :fail cas as never having happened, losing the failed compare; check it as model register', i);
      return 'fail';
    }
    if (f === 'read') return h.model === 'cas-register' ? 'ok' : 'fail';
    return refuse(`a ${f} with status unknown that returned at ${op.return}: Jepsen's :info would leave it open to the end; mark it pending`, i);
  });

  interface Event {
    op: number;
    invoke: boolean;
    time: number;
  }
  const real: Event[] = [];
  const atEnd: number[] = [];
  h.ops.forEach((op, i) => {
    real.push({ op: i, invoke: true, time: op.call });
    if (completionType[i] === 'info') atEnd.push(i);
    else real.push({ op: i, invoke: false, time: op.return });
  });
  real.sort((a, b) => a.time - b.time || Number(b.invoke) - Number(a.invoke) || a.op - b.op);
  atEnd.sort((a, b) => h.ops[a].call - h.ops[b].call || a - b);
  const events: Event[] = [...real, ...atEnd.map((op) => ({ op, invoke: false, time: h.ops[op].return }))];

  let fresh = h.ops.reduce((max, op) => Math.max(max, op.client), -1) + 1;
  const busy = new Set<number>();
  const processOf: number[] = [];
  const lines = events.map((e) => {
    const op = h.ops[e.op];
    if (e.invoke) {
      const p = busy.has(op.client) ? fresh++ : op.client;
      busy.add(p);
      processOf[e.op] = p;
    } else {
      busy.delete(processOf[e.op]);
    }
    const type = e.invoke ? 'invoke' : completionType[e.op];
    const { input, output } = op;
    let value: EDNVal;
    if (input.f === 'cas') value = [input.from!, input.to!];
    else if (input.f === 'write') value = input.value ?? null;
    else value = !e.invoke && type === 'ok' ? (output.value ?? null) : null;
    const fields: [string, EDNVal][] = [
      ['type', toKeyword(type)],
      ['f', toKeyword(input.f)],
      ['value', value],
      ['process', processOf[e.op]],
      ['time', e.time],
    ];
    return `{${fields.map(([k, v]) => `:${k} ${toEDNString(v)}`).join(', ')}}`;
  });
  const header = `; ${h.name}: a ${h.model} history written by zksim; read it back as model ${h.model}`.replace(/\n/g, ' ');
  return `${header}\n[${lines.join('\n ')}]\n`;
}
