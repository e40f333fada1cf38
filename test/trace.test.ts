import { describe, expect, it } from 'vitest';
import { firstDivergence } from '../sim/kernel/trace/diff.js';
import { TRACE_FORMAT_VERSION, type TraceEvent } from '../sim/kernel/trace/events.js';
import { formatEvent } from '../sim/kernel/trace/format.js';
import { Fnv1a64, fnv1a64Hex } from '../sim/kernel/trace/hash.js';
import { parseEvent, parseHeader, TraceFormatError } from '../sim/kernel/trace/parse.js';
import { MemorySink, Trace } from '../sim/kernel/trace/trace.js';

/** Reference FNV-1a 64 over bytes with BigInt, to check the two-halves implementation. */
function referenceFnv(bytes: Uint8Array): string {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

describe('FNV-1a 64', () => {
  it('matches the published test vectors', () => {
    expect(fnv1a64Hex('')).toBe('cbf29ce484222325');
    expect(fnv1a64Hex('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64Hex('foobar')).toBe('85944171f73967e8');
  });

  it('hashes the UTF-8 bytes of any text, as a BigInt reference does', () => {
    const samples = ['{"seq":1,"at":2}', 'zxid é ü', '日本語', 'emoji 🦀 and \u{10FFFF}', 'lone \ud800 surrogate', 'x'.repeat(1000)];
    for (const s of samples) expect(fnv1a64Hex(s)).toBe(referenceFnv(new TextEncoder().encode(s)));
  });

  it('is rolling: feeding pieces equals feeding the whole', () => {
    expect(new Fnv1a64().update('abc').update('def\n').hex()).toBe(fnv1a64Hex('abcdef\n'));
  });
});

describe('trace recorder', () => {
  it('numbers events, writes one canonical JSON line each, and hashes the event lines only', () => {
    const sink = new MemorySink();
    const t = new Trace('full', sink);
    t.writeHeader({ type: 'zksim-trace', format: TRACE_FORMAT_VERSION, zksim: 'x', seed: '1', scenario: {}, config: {} });
    t.emit(5, { kind: 'timer', node: 's1', timer: 'ping' });
    t.emit(7, { kind: 'note', node: 's2', text: 'hi' });
    expect(sink.lines[1]).toBe('{"seq":0,"at":5,"kind":"timer","node":"s1","timer":"ping"}');
    expect(sink.lines[2]).toBe('{"seq":1,"at":7,"kind":"note","node":"s2","text":"hi"}');
    expect(t.hash()).toBe(fnv1a64Hex(`${sink.lines[1]}\n${sink.lines[2]}\n`));
    expect(t.count).toBe(2);
  });

  it('hash level computes the same fingerprint without a sink; off records nothing', () => {
    const a = new Trace('hash');
    const b = new Trace('full', new MemorySink());
    const off = new Trace('off', new MemorySink());
    let seen = 0;
    off.subscribe(() => seen++);
    for (const t of [a, b, off]) t.emit(1, { kind: 'timer', node: 's1', timer: 't' });
    expect(a.hash()).toBe(b.hash());
    expect(off.count).toBe(0);
    expect(seen).toBe(0);
  });
});

describe('formatter', () => {
  const samples: TraceEvent[] = [
    { seq: 0, at: 0, kind: 'boot', node: 's1', incarnation: 1 },
    { seq: 1, at: 1, kind: 'crash', node: 's1', mode: 'machine', lostRecords: 2, torn: true },
    { seq: 2, at: 1, kind: 'pause', node: 's1', durationTicks: 5 },
    { seq: 3, at: 1, kind: 'resume', node: 's1', backlog: 3 },
    { seq: 4, at: 1, kind: 'timer', node: 's1', timer: 'ping' },
    { seq: 5, at: 1, kind: 'send', msgId: 1, from: 's1', to: 's2', port: 'p', conn: 3, msg: { t: 'x' } },
    { seq: 6, at: 1, kind: 'send', msgId: 2, from: 's1', to: 's2', port: 'p', msg: 'y'.repeat(300) },
    { seq: 7, at: 1, kind: 'deliver', msgId: 1, from: 's1', to: 's2' },
    { seq: 8, at: 1, kind: 'drop', msgId: 2, from: 's1', to: 's2', reason: 'loss' },
    { seq: 9, at: 1, kind: 'duplicate', msgId: 3, of: 2, from: 's1', to: 's2' },
    { seq: 10, at: 1, kind: 'connect', conn: 1, from: 's1', to: 's2', port: 'p' },
    { seq: 11, at: 1, kind: 'accept', conn: 1, node: 's2', from: 's1', port: 'p' },
    { seq: 12, at: 1, kind: 'connected', conn: 1, node: 's1', to: 's2', port: 'p' },
    { seq: 13, at: 1, kind: 'connect-failed', conn: 1, node: 's1', to: 's2', port: 'p', reason: 'timeout' },
    { seq: 14, at: 1, kind: 'close', conn: 1, node: 's1', peer: 's2', reason: 'reset' },
    { seq: 15, at: 1, kind: 'disk', node: 's1', op: 'fsync', file: 'log', ok: false, error: 'ENOSPC' },
    { seq: 16, at: 1, kind: 'fault', id: 1, fault: 'partition', spec: { groups: [['s1'], ['s2']] } },
    { seq: 17, at: 1, kind: 'heal', id: 1, fault: 'partition' },
    { seq: 18, at: 1, kind: 'clock', node: 's1', change: 'jump', value: -5 },
    { seq: 19, at: 1, kind: 'note', node: 's1', text: 'hello' },
    { seq: 20, at: 1, kind: 'role', node: 's1', role: 'leader' },
    { seq: 21, at: 1, kind: 'end', inFlight: [4], healed: true, active: [] },
  ];

  it('renders every event kind as one line naming its parties', () => {
    for (const e of samples) {
      const line = formatEvent(e);
      expect(line).not.toContain('\n');
      expect(line).toContain(`#${e.seq}`);
      expect(line).not.toContain('undefined');
      for (const key of ['node', 'from', 'to'] as const) {
        const v = (e as unknown as Record<string, unknown>)[key];
        if (typeof v === 'string') expect(line).toContain(v);
      }
    }
    expect(formatEvent(samples[6]).length).toBeLessThan(160);
  });
});

describe('trace parsing and diff', () => {
  it('rejects a newer format with a message naming the field and the fix', () => {
    const h = JSON.stringify({ type: 'zksim-trace', format: TRACE_FORMAT_VERSION + 1, zksim: '9.9.9', seed: '1', scenario: {}, config: {} });
    expect(() => parseHeader(h)).toThrow(TraceFormatError);
    expect(() => parseHeader(h)).toThrow(/line 1: field "format".*newer.*upgrade zksim/);
    expect(() => parseHeader('{"type":"other"}')).toThrow(/field "type"/);
    expect(() => parseHeader('')).toThrow(/empty/);
    expect(() => parseEvent('{"seq":"x","at":1,"kind":"a"}', 7)).toThrow(/line 7: field "seq"/);
    expect(() => parseEvent('{nope', 3)).toThrow(/line 3: not valid JSON/);
  });

  it('names the first divergent event and the differing fields', () => {
    const a = ['{"seq":0,"at":1,"kind":"timer","node":"s1","timer":"t"}', '{"seq":1,"at":2,"kind":"timer","node":"s1","timer":"t"}'];
    const b = [a[0], '{"seq":1,"at":3,"kind":"timer","node":"s2","timer":"t"}'];
    const d = firstDivergence(a, b);
    expect(d?.index).toBe(1);
    expect(d?.fields).toEqual(['at', 'node']);
    expect(d?.summary).toMatch(/event 1 \(line 3\)/);
    expect(firstDivergence(a, a)).toBeNull();
    const shorter = firstDivergence(a, [a[0]]);
    expect(shorter?.index).toBe(1);
    expect(shorter?.b).toBeUndefined();
    expect(shorter?.summary).toContain('(trace ended)');
  });
});
