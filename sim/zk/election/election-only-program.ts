/**
 * A node program that hosts nothing but Fast Leader Election: for tests, teaching scenarios and
 * the viz, before (or without) ZAB. Each server boots LOOKING with its configured (lastZxid,
 * currentEpoch), starts the election, and when a round ends takes the decided state for good:
 * there is no leader/follower protocol behind it, so a FOLLOWING server stays FOLLOWING (and keeps
 * answering LOOKING servers) until the harness sends it a `look` call (its role "ended").
 *
 * Calls (World.call(node, ...)):
 * - `{ t: 'look' }`: back to LOOKING and a new round (optionally with new lastZxid/currentEpoch);
 * - `{ t: 'update-epoch', epoch }`: updateElectionVote(epoch), as a synced leader/follower does.
 */
import type { DurableView, Effect, Input, NodeId, NodeProgram, Step, StepContext } from '../../contract/node.js';
import { ZERO_ZXID, type Zxid } from '../zxid.js';
import { DEFAULT_ELECTION_TIMING, FastLeaderElection, type ElectionDecision, type ElectionTiming } from './election.js';
import type { ElectionMsg } from './vote.js';

export interface ElectionOnlyServer {
  sid: number;
  node: NodeId;
  /** A non-voting member. */
  observer?: boolean;
  /** What the server's disk holds (default zxid 0, epoch 0). */
  lastZxid?: Zxid;
  currentEpoch?: number;
}

export interface ElectionOnlyOptions {
  servers: ElectionOnlyServer[];
  timing?: Partial<ElectionTiming>;
  /** Data for a given incarnation (1 = first boot), overriding the server entry; e.g. a restart with a longer log. */
  dataAt?(node: NodeId, incarnation: number): { lastZxid: Zxid; currentEpoch: number } | undefined;
}

export interface ElectionOnlyState {
  sid: number;
  fle: FastLeaderElection;
  lastZxid: Zxid;
  currentEpoch: number;
  /** Every round's outcome, with the node's monotonic time. */
  decisions: Array<{ at: number; decision: ElectionDecision }>;
}

export type ElectionOnlyCall = { t: 'look'; lastZxid?: Zxid; currentEpoch?: number } | { t: 'update-epoch'; epoch: number };

export function electionOnlyProgram(options: ElectionOnlyOptions): NodeProgram<ElectionOnlyState, ElectionMsg> {
  const servers = [...options.servers].sort((a, b) => a.sid - b.sid);
  const byNode = new Map(servers.map((s) => [s.node, s]));
  const nodeBySid = new Map(servers.map((s) => [s.sid, s.node]));
  const voters = servers.filter((s) => s.observer !== true).map((s) => s.sid);
  const observers = servers.filter((s) => s.observer === true).map((s) => s.sid);
  const nodeOf = (sid: number): NodeId => {
    const node = nodeBySid.get(sid);
    if (node === undefined) throw new Error(`no server with sid ${sid}`);
    return node;
  };
  const timing: ElectionTiming = { ...DEFAULT_ELECTION_TIMING, ...options.timing };

  const settle = (state: ElectionOnlyState, decision: ElectionDecision | undefined, ctx: StepContext): void => {
    if (decision === undefined) return;
    state.decisions.push({ at: ctx.now, decision });
    state.fle.setPeerState(decision.state, decision.vote);
  };

  return {
    boot(ctx: StepContext, _disk: DurableView): Step<ElectionOnlyState, ElectionMsg> {
      const server = byNode.get(ctx.self);
      if (server === undefined) throw new Error(`${ctx.self} is not an election server`);
      const data = options.dataAt?.(ctx.self, ctx.incarnation) ?? { lastZxid: server.lastZxid ?? ZERO_ZXID, currentEpoch: server.currentEpoch ?? 0 };
      const fle = new FastLeaderElection({ myid: server.sid, voters, observers, nodeOf, ...timing });
      const state: ElectionOnlyState = { sid: server.sid, fle, lastZxid: data.lastZxid, currentEpoch: data.currentEpoch, decisions: [] };
      const effects: Effect<ElectionMsg>[] = [];
      fle.start(ctx, effects);
      fle.lookForLeader({ lastZxid: state.lastZxid, currentEpoch: state.currentEpoch }, ctx, effects);
      return { state, effects };
    },

    step(state: ElectionOnlyState, input: Input<ElectionMsg>, ctx: StepContext): Step<ElectionOnlyState, ElectionMsg> {
      const effects: Effect<ElectionMsg>[] = [];
      if (input.kind === 'call') {
        const call = input.call as ElectionOnlyCall;
        if (call.t === 'look') {
          if (call.lastZxid !== undefined) state.lastZxid = call.lastZxid;
          if (call.currentEpoch !== undefined) state.currentEpoch = call.currentEpoch;
          state.fle.lookForLeader({ lastZxid: state.lastZxid, currentEpoch: state.currentEpoch }, ctx, effects);
        } else if (call.t === 'update-epoch') {
          state.fle.updateElectionVote(call.epoch);
        }
        return { state, effects };
      }
      if (state.fle.owns(input)) {
        settle(state, state.fle.onInput(input, ctx, effects), ctx);
      } else if (input.kind === 'accepted' || input.kind === 'connected') {
        effects.push({ kind: 'close', conn: input.conn }); // nothing else listens here
      }
      return { state, effects };
    },

    inspect: (state) => ({ role: state.fle.state.toLowerCase() }),
  };
}
