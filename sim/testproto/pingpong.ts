/**
 * A small test protocol that exercises everything the world can do, before any ZooKeeper code
 * exists: every node keeps a connection to every other node (the lower id connects, as ZooKeeper's
 * election connections are kept by one side), pings each peer with consecutive sequence numbers,
 * counts what it receives in a log on disk (fsync every `syncEvery` records), and reconnects after
 * failures. In datagram mode it pings with datagrams instead, which is how it shows why ZAB needs
 * FIFO channels: the receiver sees gaps, repeats and reordering.
 */
import type { ConnId, DurableView, Effect, Input, NodeId, NodeProgram, StepContext, Step } from '../contract/node.js';
import { compareNodeIds } from '../contract/node-id.js';

export const PINGPONG_PORT = 'peer';
const LOG = 'received.log';

export interface PingPongConfig {
  transport: 'connection' | 'datagram';
  pingIntervalTicks: number;
  reconnectTicks: number;
  /** Append + fsync the received count every this many pings. */
  syncEvery: number;
}

export const DEFAULT_PINGPONG: PingPongConfig = {
  transport: 'connection',
  pingIntervalTicks: 100,
  reconnectTicks: 500,
  syncEvery: 10,
};

export type PingMsg = { t: 'ping'; n: number };

interface Channel {
  peer: NodeId;
  /** Next sequence number to send. */
  sent: number;
}

export interface PingPongState {
  /** Open connections (or, in datagram mode, one pseudo-channel per peer keyed by peer index). */
  channels: Map<ConnId, Channel>;
  /** Peers we are connecting to (lower id connects to higher). */
  connecting: Set<NodeId>;
  received: number;
  /** Count in the last record the disk accepted. */
  appended: number;
  /** Highest count known durable (the last fsync covered it). */
  durable: number;
  syncing: boolean;
  /** Appends issued since the running fsync started: sync again when it ends. */
  syncAgain: boolean;
  nextRef: number;
}

type Eff = Effect<PingMsg>;

export function pingPongProgram(config: PingPongConfig): NodeProgram<PingPongState, PingMsg> {
  return {
    boot(ctx: StepContext, disk: DurableView): Step<PingPongState, PingMsg> {
      const { recovered, intact, total } = recover(disk);
      const state: PingPongState = {
        channels: new Map(),
        connecting: new Set(),
        received: recovered,
        appended: recovered,
        durable: recovered,
        syncing: false,
        syncAgain: false,
        nextRef: 1,
      };
      const effects: Eff[] = [{ kind: 'note', text: `recovered ${recovered}`, data: { recovered } }];
      // Cut a torn or corrupt tail off before appending, or later records would hide behind it.
      if (intact < total) effects.push({ kind: 'truncate', file: LOG, length: intact, ref: 'truncate' });
      if (config.transport === 'datagram') {
        ctx.peers.forEach((peer, i) => {
          if (peer !== ctx.self) state.channels.set(-(i + 1), { peer, sent: 0 });
        });
      } else {
        for (const peer of ctx.peers) if (compareNodeIds(ctx.self, peer) < 0) connect(state, peer, effects);
      }
      effects.push({ kind: 'set-timer', timer: 'ping', afterTicks: config.pingIntervalTicks });
      return { state, effects };
    },

    step(state: PingPongState, input: Input<PingMsg>, ctx: StepContext): Step<PingPongState, PingMsg> {
      const effects: Eff[] = [];
      switch (input.kind) {
        case 'timer':
          if (input.timer === 'ping') {
            for (const [conn, ch] of state.channels) {
              const msg: PingMsg = { t: 'ping', n: ch.sent++ };
              effects.push(conn < 0 ? { kind: 'send-datagram', to: ch.peer, port: PINGPONG_PORT, msg } : { kind: 'send', conn, msg });
            }
            effects.push({ kind: 'set-timer', timer: 'ping', afterTicks: config.pingIntervalTicks });
          } else if (input.timer.startsWith('reconnect:')) {
            connect(state, input.timer.slice('reconnect:'.length), effects);
          }
          break;
        case 'deliver':
        case 'datagram':
          state.received++;
          if (state.received % config.syncEvery === 0) {
            effects.push({ kind: 'append', file: LOG, record: { received: state.received }, ref: `append:${state.received}` });
            if (state.syncing) state.syncAgain = true;
            else sync(state, effects);
          }
          break;
        case 'connected':
          state.connecting.delete(input.to);
          state.channels.set(input.conn, { peer: input.to, sent: 0 });
          break;
        case 'accepted':
          state.channels.set(input.conn, { peer: input.from, sent: 0 });
          break;
        case 'connect-failed':
          state.connecting.delete(input.to);
          effects.push({ kind: 'set-timer', timer: `reconnect:${input.to}`, afterTicks: config.reconnectTicks });
          break;
        case 'closed': {
          state.channels.delete(input.conn);
          if (compareNodeIds(ctx.self, input.peer) < 0) {
            effects.push({ kind: 'set-timer', timer: `reconnect:${input.peer}`, afterTicks: config.reconnectTicks });
          }
          break;
        }
        case 'disk-done':
          if (input.op === 'append' && input.ok) {
            state.appended = Number(input.ref.slice('append:'.length));
          } else if (input.op === 'fsync') {
            state.syncing = false;
            // The disk runs operations in order, so this fsync covered every append completed before it.
            if (input.ok && state.appended > state.durable) {
              state.durable = state.appended;
              effects.push({ kind: 'note', text: `durable ${state.durable}`, data: { durable: state.durable } });
            }
            if (state.syncAgain) sync(state, effects);
          }
          break;
      }
      return { state, effects };
    },

    inspect(state: PingPongState) {
      return { role: state.channels.size > 0 ? 'connected' : 'alone' };
    },
  };
}

function sync(state: PingPongState, effects: Eff[]): void {
  state.syncing = true;
  state.syncAgain = false;
  effects.push({ kind: 'fsync', file: LOG, ref: `fsync:${state.nextRef++}` });
}

function connect(state: PingPongState, peer: NodeId, effects: Eff[]): void {
  if (state.connecting.has(peer)) return;
  for (const ch of state.channels.values()) if (ch.peer === peer) return;
  state.connecting.add(peer);
  effects.push({ kind: 'connect', to: peer, port: PINGPONG_PORT, ref: `c${state.nextRef++}` });
}

/** The last intact record's count; reading stops at the first torn or corrupt record. */
function recover(disk: DurableView): { recovered: number; intact: number; total: number } {
  const records = disk.readLog(LOG);
  let recovered = 0;
  let intact = 0;
  for (const rec of records) {
    if (!rec.ok) break;
    recovered = (rec.data as { received: number }).received;
    intact++;
  }
  return { recovered, intact, total: records.length };
}
