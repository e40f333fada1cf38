/**
 * A client process that talks to Redis servers: the same ClientProcess the lock workload runs in
 * (timers, notes, datagrams to the resource), plus Redis connections over the world's connections.
 * It has no ZooKeeper handles: `connect()` refuses, so a ZooKeeper recipe put on a Redis scenario
 * fails loudly instead of hanging.
 */
import type { ConnId, Effect, Input, NodeId, NodeProgram, Step, StepContext } from '../contract/node.js';
import type { ClientCall, ClientProcess } from '../client/client-node.js';
import type { SimZkClient } from '../client/sim-client.js';
import { StepScope } from '../client/step-scope.js';
import { REDIS_PORT, type RedisCommand, type RedisMsg, type RedisReply } from './redis-server.js';

/** What a Redis lock needs to know about the deployment it runs against. */
export interface RedisClientSettings {
  /**
   * The independent masters, each as the nodes to try in turn: the master, then its replica
   * (which answers READONLY until it is promoted — how a client finds the new master here,
   * standing in for asking Sentinel).
   */
  masters: NodeId[][];
  /** The lock key's TTL (SET … PX). */
  ttlMs: number;
  /** How long a command may go unanswered before the client gives up on it (and its connection). */
  requestTimeoutMs: number;
  /** Base delay between attempts to take a busy lock (a random part is added). */
  retryMs: number;
}

/** A command's outcome as the lock sees it; every failure leaves the outcome at the server unknown. */
export type RedisResult = RedisReply | { ok: false; error: 'timeout' | 'unreachable' | 'connection-lost' };

export interface RedisClientProcess extends ClientProcess {
  readonly redis: RedisClientSettings;
  /** A connection that tries `candidates` in turn, moving on after every failure. */
  redisConnection(candidates: readonly NodeId[]): RedisConnection;
}

export function isRedisClientProcess(proc: ClientProcess): proc is RedisClientProcess {
  return typeof (proc as Partial<RedisClientProcess>).redisConnection === 'function';
}

interface ConnHost {
  push(e: Effect<RedisMsg>): void;
  after(ms: number, fn: () => void): void;
  bindRef(ref: string, c: RedisConnection): void;
  bindConn(conn: ConnId, c: RedisConnection): void;
  nextRef(): string;
  nextId(): number;
}

export class RedisConnection {
  private conn: ConnId | undefined;
  private ref: string | undefined;
  private at = 0;
  private readonly queue: { id: number; cmd: RedisCommand }[] = [];
  private readonly pending = new Map<number, (r: RedisResult) => void>();

  constructor(
    private readonly host: ConnHost,
    private readonly candidates: readonly NodeId[],
    private readonly timeoutMs: number,
  ) {}

  /** The node commands go to now. */
  get server(): NodeId {
    return this.candidates[this.at % this.candidates.length];
  }

  command(cmd: RedisCommand, cb: (r: RedisResult) => void): void {
    const id = this.host.nextId();
    this.pending.set(id, cb);
    this.host.after(this.timeoutMs, () => {
      if (this.pending.has(id)) this.fail('timeout');
    });
    if (this.conn !== undefined) return this.host.push({ kind: 'send', conn: this.conn, msg: { t: 'cmd', id, cmd } });
    this.queue.push({ id, cmd });
    if (this.ref === undefined) {
      this.ref = this.host.nextRef();
      this.host.bindRef(this.ref, this);
      this.host.push({ kind: 'connect', to: this.server, port: REDIS_PORT, ref: this.ref });
    }
  }

  /**
   * Drops the connection and fails everything outstanding: a late reply on a connection we gave
   * up on must not be mistaken for the answer to a later command. The next command tries the next
   * candidate, which is how a client drifts to a promoted replica.
   */
  private fail(error: 'timeout' | 'unreachable' | 'connection-lost' | 'READONLY'): void {
    if (this.conn !== undefined) this.host.push({ kind: 'close', conn: this.conn });
    this.conn = undefined;
    this.ref = undefined;
    this.queue.length = 0;
    this.at++;
    const cbs = [...this.pending.values()];
    this.pending.clear();
    for (const cb of cbs) cb({ ok: false, error } as RedisResult);
  }

  onInput(input: Input<RedisMsg>): void {
    switch (input.kind) {
      case 'connected':
        if (input.ref !== this.ref) return this.host.push({ kind: 'close', conn: input.conn });
        this.conn = input.conn;
        this.host.bindConn(input.conn, this);
        for (const { id, cmd } of this.queue.splice(0)) this.host.push({ kind: 'send', conn: input.conn, msg: { t: 'cmd', id, cmd } });
        return;
      case 'connect-failed':
        if (input.ref === this.ref) this.fail('unreachable');
        return;
      case 'closed':
        if (input.conn === this.conn) this.fail('connection-lost');
        return;
      case 'deliver': {
        if (input.conn !== this.conn || input.msg.t !== 'reply') return;
        const cb = this.pending.get(input.msg.id);
        if (cb === undefined) return;
        this.pending.delete(input.msg.id);
        const reply = input.msg.reply;
        if (!reply.ok) this.fail('READONLY');
        cb(reply);
        return;
      }
      default:
        return;
    }
  }
}

class Process extends StepScope<RedisMsg> implements RedisClientProcess, ConnHost {
  readonly handles: readonly SimZkClient[] = [];
  private timerSeq = 0;
  private refSeq = 0;
  private idSeq = 0;
  private readonly timers = new Map<string, () => void>();
  private readonly byRef = new Map<string, RedisConnection>();
  private readonly byConn = new Map<ConnId, RedisConnection>();

  constructor(
    readonly node: NodeId,
    readonly redis: RedisClientSettings,
  ) {
    super();
  }

  push(e: Effect<RedisMsg>): void {
    this.stepEffects(`redis client ${this.node} was used outside a step`).push(e);
  }

  connect(): SimZkClient {
    throw new Error(`${this.node} is a Redis client: it has no ZooKeeper sessions (use the "redis" or "redlock" recipe)`);
  }

  redisConnection(candidates: readonly NodeId[]): RedisConnection {
    return new RedisConnection(this, candidates, this.redis.requestTimeoutMs);
  }

  after(ms: number, fn: () => void): void {
    const name = `app:${this.timerSeq++}`;
    this.timers.set(name, fn);
    this.push({ kind: 'set-timer', timer: name, afterTicks: Math.max(0, ms) });
  }

  note(text: string, data?: unknown): void {
    this.push(data === undefined ? { kind: 'note', text } : { kind: 'note', text, data });
  }

  sendDatagram(to: NodeId, port: string, msg: unknown): void {
    this.push({ kind: 'send-datagram', to, port, msg: msg as RedisMsg });
  }

  bindRef(ref: string, c: RedisConnection): void {
    this.byRef.set(ref, c);
  }

  bindConn(conn: ConnId, c: RedisConnection): void {
    this.byConn.set(conn, c);
  }

  nextRef(): string {
    return `redis:${this.refSeq++}`;
  }

  nextId(): number {
    return ++this.idSeq;
  }

  route(input: Input<RedisMsg>): void {
    switch (input.kind) {
      case 'call':
        (input.call as ClientCall)(this);
        return;
      case 'timer': {
        const fn = this.timers.get(input.timer);
        if (fn === undefined) return;
        this.timers.delete(input.timer);
        fn();
        return;
      }
      case 'connected':
      case 'connect-failed': {
        const c = this.byRef.get(input.ref);
        this.byRef.delete(input.ref);
        if (c !== undefined) c.onInput(input);
        else if (input.kind === 'connected') this.push({ kind: 'close', conn: input.conn });
        return;
      }
      case 'deliver':
        this.byConn.get(input.conn)?.onInput(input);
        return;
      case 'closed':
        this.byConn.get(input.conn)?.onInput(input);
        this.byConn.delete(input.conn);
        return;
      default:
        return;
    }
  }
}

export interface RedisClientState {
  proc: Process;
}

export function redisClientNode(settings: RedisClientSettings, app?: ClientCall): NodeProgram<RedisClientState, RedisMsg> {
  return {
    boot(ctx: StepContext): Step<RedisClientState, RedisMsg> {
      const proc = new Process(ctx.self, settings);
      const effects = app === undefined ? [] : proc.within(ctx, () => app(proc));
      return { state: { proc }, effects };
    },
    step(state: RedisClientState, input: Input<RedisMsg>, ctx: StepContext): Step<RedisClientState, RedisMsg> {
      return { state, effects: state.proc.within(ctx, () => state.proc.route(input)) };
    },
    inspect: () => ({ role: 'client' }),
  };
}
