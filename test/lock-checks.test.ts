/**
 * The lock checks (sim/check/lock-safety.ts) on hand-made trace events: each can pass and fail.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../sim/kernel/trace/events.js';
import { LockExclusion, LockFencing, LockHistory, LockProgress } from '../sim/check/lock-safety.js';

let seq = 0;
const note = (at: number, node: string, data: unknown): TraceEvent => ({ seq: seq++, at, kind: 'note', node, text: '', data }) as TraceEvent;
const lock = (at: number, node: string, event: string, token?: number) => note(at, node, { lock: { event, recipe: 'standard', ...(token !== undefined ? { token } : {}) } });
const write = (at: number, client: string, token: number, accepted: boolean) => note(at, 'r1', { resource: { client, token, n: 0, accepted, highest: 0, fenced: true } });
const fault = (at: number): TraceEvent => ({ seq: seq++, at, kind: 'fault', id: 1, fault: 'pause', spec: {} }) as TraceEvent;
const end = (at: number, healed = true): TraceEvent => ({ seq: seq++, at, kind: 'end', inFlight: [], healed, active: [] }) as TraceEvent;

function run(events: TraceEvent[], settleTicks = 1000) {
  const h = new LockHistory();
  const checks = [new LockExclusion(h), new LockFencing(h), new LockProgress(h, settleTicks)];
  for (const e of events) for (const c of checks) c.onEvent(e);
  return Object.fromEntries(checks.map((c) => [c.name, c.finish()]));
}

describe('lock checks', () => {
  it('pass on a clean hand-over: one holder at a time, tokens in order, served after the faults', () => {
    const v = run([lock(0, 'l1', 'want'), lock(10, 'l1', 'acquired', 5), write(11, 'l1', 5, true), lock(20, 'l1', 'released', 5), fault(30), lock(100, 'l2', 'want'), lock(110, 'l2', 'acquired', 7), write(111, 'l2', 7, true), end(5000)]);
    expect(v['lock-exclusion'].status).toBe('pass');
    expect(v['lock-fencing'].status).toBe('pass');
    expect(v['lock-progress'].status).toBe('pass');
  });

  it('fail: two believed holders, a stale write accepted, and nobody served after the faults', () => {
    const v = run([lock(0, 'l1', 'want'), lock(10, 'l1', 'acquired', 5), lock(15, 'l2', 'want'), lock(20, 'l2', 'acquired', 7), write(21, 'l2', 7, true), write(22, 'l1', 5, true), fault(30), end(5000)]);
    expect(v['lock-exclusion'].status).toBe('fail');
    expect(v['lock-exclusion'].violations[0]).toMatch(/l1 \(token 5, from 10\) and l2 \(token 7, from 20\) both believed they held the lock/);
    expect(v['lock-fencing'].status).toBe('fail');
    expect(v['lock-fencing'].violations[0]).toMatch(/accepted l1's write 0 with token 5 .* after l2's token 7/);
    expect(v['lock-progress'].status).toBe('fail');
  });

  it('a rejected stale write is fencing working, and progress is not judged without enough quiet time', () => {
    const v = run([lock(0, 'l1', 'want'), lock(10, 'l1', 'acquired', 7), write(11, 'l1', 7, true), write(12, 'l2', 5, false), fault(4500), end(5000)]);
    expect(v['lock-fencing'].status).toBe('pass');
    expect(v['lock-fencing'].summary).toMatch(/1 stale ones rejected by fencing/);
    expect(v['lock-progress'].status).toBe('unknown');
  });
});

describe('lock-exclusion modes', () => {
  it('a holder whose session the leader already expired: counted under "sessions", a failure under "believed" (explore seed 9640)', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { validateScenario } = await import('../sim/scenario/load.js');
    const { runScenario } = await import('../sim/scenario/simulation.js');
    const { ROOT } = await import('./helpers/cli.js');
    const file = join(ROOT, 'test', 'fixtures', 'lock-holder-session-expired.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const verdict = (s: unknown) => runScenario(validateScenario(s, file)).verdicts.find((v) => v.check === 'lock-exclusion')!;
    const sessions = verdict(json);
    expect(sessions.status).toBe('pass');
    expect(sessions.summary).toMatch(/1 overlap\(s\) \(86 ms\) with a holder whose session the leader had already expired/);
    const { exclusion: _e, ...believedLocks } = json.protocol.locks;
    const believed = verdict({ ...json, protocol: { ...json.protocol, locks: believedLocks } });
    expect(believed.status).toBe('fail');
    expect(believed.violations[0]).toMatch(/l1 .* and l2 .* both believed they held the lock for 86 ms/);
  });
});
