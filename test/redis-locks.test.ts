import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DurableView, Effect, Input, StepContext, StoredRecord } from '../sim/contract/node.js';
import type { Random } from '../sim/contract/random.js';
import { AOF_FILE, redisServer, type RedisCommand, type RedisMsg, type RedisReply, type RedisServerConfig, type RedisState } from '../sim/redis/redis-server.js';
import { parseScenario } from '../sim/scenario/load.js';
import { Simulation } from '../sim/scenario/simulation.js';
import { LOCK_FACTORIES } from '../sim/workload/lock-workload.js';
import { ROOT } from './helpers/cli.js';

const noRandom: Random = {
  next: () => 0,
  int: () => 0,
  range: (lo) => lo,
  chancePpm: () => false,
  pick: (xs) => xs[0],
  shuffle: (xs) => xs.slice(),
};

/** Drives the pure program by hand: `now` and `wall` are set per step, as the world would. */
class Harness {
  now = 0;
  wall = 0;
  state!: RedisState;
  effects: Effect<RedisMsg>[] = [];
  private id = 0;
  private readonly program;

  constructor(config: RedisServerConfig, disk: DurableView = emptyDisk, readonly self = 's1') {
    this.program = redisServer(config);
    const b = this.program.boot(this.ctx(), disk);
    this.state = b.state;
    this.effects = b.effects;
  }

  ctx(): StepContext {
    return { self: this.self, now: this.now, wallNow: this.wall, incarnation: 1, random: noRandom, peers: ['s1', 's1-replica'] };
  }

  step(input: Input<RedisMsg>): Effect<RedisMsg>[] {
    const s = this.program.step(this.state, input, this.ctx());
    this.state = s.state;
    this.effects = s.effects;
    return s.effects;
  }

  role(): string | undefined {
    return this.program.inspect?.(this.state).role;
  }

  cmd(cmd: RedisCommand, conn = 7): RedisReply {
    const id = ++this.id;
    const effects = this.step({ kind: 'deliver', conn, from: 'l1', port: 'redis', msg: { t: 'cmd', id, cmd } });
    const reply = effects.find((e): e is Extract<Effect<RedisMsg>, { kind: 'send' }> => e.kind === 'send' && e.conn === conn && e.msg.t === 'reply');
    if (reply === undefined || reply.msg.t !== 'reply' || reply.msg.id !== id) throw new Error('no reply');
    return reply.msg.reply;
  }
}

const emptyDisk: DurableView = { files: () => [], readLog: () => [], readFile: () => undefined };
const set = (value: string, ttlMs = 1000): RedisCommand => ({ op: 'set-nx-px', key: 'lock', value, ttlMs });
const get: RedisCommand = { op: 'get', key: 'lock' };
const del = (value: string): RedisCommand => ({ op: 'del-if', key: 'lock', value });

describe('redis server: SET NX PX, GET, compare-and-delete', () => {
  it('SET NX takes a free key and refuses a held one', () => {
    const h = new Harness({ role: 'master', persistence: false });
    expect(h.cmd(set('a'))).toEqual({ ok: true, value: 'OK' });
    expect(h.cmd(set('b'))).toEqual({ ok: true, value: null });
    expect(h.cmd(get)).toEqual({ ok: true, value: 'a' });
  });

  it('a key expires at its TTL on the server wall clock, and a forward jump ends it early', () => {
    const h = new Harness({ role: 'master', persistence: false });
    h.wall = 100;
    h.cmd(set('a', 1000));
    h.wall = 1099;
    expect(h.cmd(get)).toEqual({ ok: true, value: 'a' });
    h.wall = 1100;
    expect(h.cmd(get)).toEqual({ ok: true, value: null });
    expect(h.cmd(set('b', 1000))).toEqual({ ok: true, value: 'OK' });
    // The monotonic clock barely moved: only the wall clock decides.
    const j = new Harness({ role: 'master', persistence: false });
    j.cmd(set('a', 10_000));
    j.now = 10;
    j.wall = 15_000;
    expect(j.cmd(set('b', 10_000))).toEqual({ ok: true, value: 'OK' });
    // A backward jump stretches a lease.
    const k = new Harness({ role: 'master', persistence: false });
    k.wall = 5000;
    k.cmd(set('a', 1000));
    k.now = 2000;
    k.wall = 4000;
    expect(k.cmd(set('b'))).toEqual({ ok: true, value: null });
  });

  it('the unlock deletes only a key that still holds the caller value', () => {
    const h = new Harness({ role: 'master', persistence: false });
    h.cmd(set('a'));
    expect(h.cmd(del('b'))).toEqual({ ok: true, value: 0 });
    expect(h.cmd(get)).toEqual({ ok: true, value: 'a' });
    expect(h.cmd(del('a'))).toEqual({ ok: true, value: 1 });
    expect(h.cmd(get)).toEqual({ ok: true, value: null });
    expect(h.cmd(del('a'))).toEqual({ ok: true, value: 0 });
    // An expired key is not the caller's any more.
    h.cmd(set('c', 10));
    h.wall = 10;
    expect(h.cmd(del('c'))).toEqual({ ok: true, value: 0 });
  });

  it('replicates asynchronously: the reply and the stream leave in one step, a replica refuses writes', () => {
    const m = new Harness({ role: 'master', persistence: false });
    m.step({ kind: 'accepted', conn: 3, from: 's1-replica', port: 'redis' });
    m.step({ kind: 'deliver', conn: 3, from: 's1-replica', port: 'redis', msg: { t: 'sync' } });
    const effects = m.step({ kind: 'deliver', conn: 7, from: 'l1', port: 'redis', msg: { t: 'cmd', id: 1, cmd: set('a', 500) } });
    const sends = effects.filter((e) => e.kind === 'send').map((e) => (e.kind === 'send' ? [e.conn, e.msg.t] : []));
    expect(sends).toEqual([
      [3, 'repl'],
      [7, 'reply'],
    ]);
    const r = new Harness({ role: 'replica', master: 's1', persistence: false, failoverAfterMs: 1000 }, emptyDisk, 's1-replica');
    expect(r.effects.some((e) => e.kind === 'connect' && e.to === 's1')).toBe(true);
    r.step({ kind: 'connected', conn: 4, ref: 'master:0', to: 's1', port: 'redis' });
    r.step({ kind: 'deliver', conn: 4, from: 's1', port: 'redis', msg: { t: 'repl', ops: [{ op: 'set', key: 'lock', value: 'a', expireAt: 500 }] } });
    expect(r.cmd(get)).toEqual({ ok: true, value: 'a' });
    expect(r.cmd(set('b'))).toEqual({ ok: false, error: 'READONLY' });
  });

  it('a replica promotes itself after failoverAfterMs of silence and then takes writes with what it has', () => {
    const r = new Harness({ role: 'replica', master: 's1', persistence: false, failoverAfterMs: 1000 }, emptyDisk, 's1-replica');
    r.step({ kind: 'connected', conn: 4, ref: 'master:0', to: 's1', port: 'redis' });
    r.now = 900;
    r.step({ kind: 'timer', timer: 'sentinel' });
    expect(r.role()).toBe('redis-replica');
    r.now = 1000;
    r.step({ kind: 'timer', timer: 'sentinel' });
    expect(r.role()).toBe('redis-master');
    expect(r.cmd(set('b'))).toEqual({ ok: true, value: 'OK' });
  });

  it('restarts empty without persistence, and with it replays the AOF (absolute expiry times survive)', () => {
    const h = new Harness({ role: 'master', persistence: true });
    expect(h.effects.some((e) => e.kind === 'set-timer' && e.timer === 'fsync')).toBe(true);
    const appended: StoredRecord[] = [];
    h.wall = 0;
    for (const e of h.step({ kind: 'deliver', conn: 7, from: 'l1', port: 'redis', msg: { t: 'cmd', id: 1, cmd: set('a', 1000) } })) {
      if (e.kind === 'append' && e.file === AOF_FILE) appended.push({ ok: true, data: e.record });
    }
    expect(appended).toHaveLength(1);
    expect(h.step({ kind: 'timer', timer: 'fsync' }).some((e) => e.kind === 'fsync')).toBe(true);
    const disk: DurableView = { files: () => [AOF_FILE], readLog: (f) => (f === AOF_FILE ? [...appended, { ok: false, reason: 'torn' }] : []), readFile: () => undefined };
    const back = new Harness({ role: 'master', persistence: true }, disk);
    expect(back.effects.some((e) => e.kind === 'truncate' && e.length === 1)).toBe(true);
    back.wall = 500;
    expect(back.cmd(get)).toEqual({ ok: true, value: 'a' });
    back.wall = 1000;
    expect(back.cmd(get)).toEqual({ ok: true, value: null });
    const volatile = new Harness({ role: 'master', persistence: false }, disk);
    expect(volatile.cmd(get)).toEqual({ ok: true, value: null });
  });

  it('registers the recipes', () => {
    expect(Object.keys(LOCK_FACTORIES)).toEqual(expect.arrayContaining(['standard', 'naive', 'redis', 'redlock']));
  });
});

const SCENARIOS: Record<string, Record<string, string>> = {
  'lock-redis-single.json': { liveness: 'pass', 'lock-exclusion': 'pass', 'lock-fencing': 'pass' },
  'lock-redis-failover.json': { 'lock-exclusion': 'fail', 'lock-fencing': 'fail' },
  'lock-redlock-clock-jump.json': { 'lock-exclusion': 'fail', 'lock-fencing': 'fail' },
  'lock-redlock-pause.json': { 'lock-exclusion': 'fail', 'lock-fencing': 'fail' },
};

describe('redis lock scenarios', () => {
  for (const [file, want] of Object.entries(SCENARIOS)) {
    it(`${file} meets its expectations`, () => {
      const scenario = parseScenario(readFileSync(join(ROOT, 'scenarios', file), 'utf8'), file);
      const r = new Simulation(scenario).run();
      for (const e of r.expectations) expect(e.met, `${e.check}: expected ${e.expected}, got ${e.actual}`).toBe(true);
      const got = Object.fromEntries(r.verdicts.map((v) => [v.check, v.status]));
      for (const [check, status] of Object.entries(want)) expect(got[check], check).toBe(status);
    });
  }
});
