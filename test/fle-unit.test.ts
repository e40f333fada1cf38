/**
 * FastLeaderElection driven input by input, without a world: the connection manager's queues and
 * tie-break, the loop's timers, the finalize wait, the receive-side replies and the tallies.
 */
import { describe, expect, it } from 'vitest';
import type { Effect, Input, StepContext } from '../sim/contract/node.js';
import { electionConfig, ELECTION_PORT, FastLeaderElection, type ElectionDecision, type ElectionNote } from '../sim/zk/election/election.js';
import type { ElectionMsg, Notification, PeerState, Vote } from '../sim/zk/election/vote.js';
import { zxid, type Zxid } from '../sim/zk/zxid.js';

const ctx: StepContext = {
  self: 's?',
  now: 0,
  wallNow: 0,
  incarnation: 1,
  random: { next: () => 0, int: () => 0, range: (lo) => lo, chancePpm: () => false, pick: (xs) => xs[0], shuffle: (xs) => [...xs] },
  peers: [],
};

const node = (sid: number) => `s${sid}`;

function fle(myid: number, voters = [1, 2, 3], observers: number[] = []) {
  const f = new FastLeaderElection(electionConfig(myid, voters, observers, node));
  let effects: Effect<ElectionMsg>[] = [];
  const take = () => {
    const e = effects;
    effects = [];
    return e;
  };
  const input = (i: Input<unknown>): ElectionDecision | undefined => {
    expect(f.owns(i)).toBe(true);
    return f.onInput(i, ctx, effects);
  };
  return {
    f,
    take,
    start(data: { lastZxid: Zxid; currentEpoch: number } = { lastZxid: zxid(0, 0), currentEpoch: 0 }) {
      f.start(ctx, effects);
      f.lookForLeader(data, ctx, effects);
      return take();
    },
    input,
    accepted: (conn: number, from: number) => input({ kind: 'accepted', conn, from: node(from), port: ELECTION_PORT }),
    connected: (conn: number, ref: string, to: number) => input({ kind: 'connected', conn, ref, to: node(to), port: ELECTION_PORT }),
    closed: (conn: number, peer: number) => input({ kind: 'closed', conn, peer: node(peer), reason: 'peer-closed' }),
    deliver: (conn: number, from: number, state: PeerState, vote: Vote) =>
      input({ kind: 'deliver', conn, from: node(from), port: ELECTION_PORT, msg: { t: 'notification', state, vote, sid: from } satisfies Notification }),
    timer: (timer: string) => input({ kind: 'timer', timer }),
  };
}

const vote = (leader: number, electionEpoch = 1, peerEpoch = 0, z: Zxid = zxid(0, 0)): Vote => ({ leader, zxid: z, electionEpoch, peerEpoch });
const sends = (effects: Effect<ElectionMsg>[]) => effects.filter((e): e is Extract<Effect<ElectionMsg>, { kind: 'send' }> => e.kind === 'send');
const connects = (effects: Effect<ElectionMsg>[]) => effects.filter((e): e is Extract<Effect<ElectionMsg>, { kind: 'connect' }> => e.kind === 'connect');
const closes = (effects: Effect<ElectionMsg>[]) => effects.filter((e) => e.kind === 'close').map((e) => (e as { conn: number }).conn);
const timers = (effects: Effect<ElectionMsg>[]) => effects.filter((e) => e.kind === 'set-timer').map((e) => `${(e as { timer: string }).timer}=${(e as { afterTicks: number }).afterTicks}`);
const notes = (effects: Effect<ElectionMsg>[]) => effects.filter((e) => e.kind === 'note').map((e) => (e as { data: ElectionNote }).data);

describe('lookForLeader and the loop', () => {
  it('a new round: logicalclock + 1, connects to the other voters, own vote looped back (not sent), poll timer at 200 ms', () => {
    const s = fle(1);
    const e = s.start();
    expect(s.f.logicalclock).toBe(1);
    expect(s.f.state).toBe('LOOKING');
    expect(s.f.proposal).toEqual(vote(1));
    expect(connects(e).map((c) => [c.to, c.port, c.timeoutTicks])).toEqual([
      ['s2', ELECTION_PORT, 5000],
      ['s3', ELECTION_PORT, 5000],
    ]);
    expect(sends(e)).toEqual([]);
    expect(timers(e)).toContain('fle:poll=200');
    expect(notes(e)[0]).toMatchObject({ fle: 'round', round: 1 });
    // queued for the peers until connected
    expect(s.f.connections.queuedFor(2)?.vote).toEqual(vote(1));
  });

  it('a single voter elects itself: its own looped-back vote is a quorum of one, then the finalize wait', () => {
    const s = fle(1, [1]);
    const e = s.start();
    expect(timers(e)).toContain('fle:finalize=200');
    expect(notes(e).map((n) => n.fle)).toEqual(['round', 'finalize']);
    const d = s.timer('fle:finalize');
    expect(d).toMatchObject({ state: 'LEADING', via: 'quorum', supporters: [1] });
    expect(d!.vote).toEqual(vote(1));
    expect(s.f.state).toBe('LEADING');
  });

  it('poll timeouts double to the cap; "reconnect" when no queue is empty, "resend" as soon as one is', () => {
    const s = fle(1, [1, 2, 3]);
    s.start();
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) {
      const e = (s.timer('fle:poll'), s.take());
      const n = notes(e).find((x) => x.fle === 'timeout') as Extract<ElectionNote, { fle: 'timeout' }>;
      expect(n.action).toBe('reconnect');
      seen.push(n.nextTimeoutMs);
    }
    expect(seen).toEqual([400, 800, 1600, 3200, 6400, 12_800, 25_600, 51_200, 60_000, 60_000, 60_000, 60_000]);
    // s3 connects to us: its queue is drained, so haveDelivered is true (any empty queue suffices)
    s.accepted(7, 3);
    expect(sends(s.take()).map((x) => x.conn)).toEqual([7]);
    s.timer('fle:poll');
    const e = s.take();
    expect(notes(e).find((x) => x.fle === 'timeout')).toMatchObject({ action: 'resend' });
    // resend: to s3 on the connection, to s2 into its queue (and its connection attempt is still pending)
    expect(sends(e).map((x) => x.conn)).toEqual([7]);
    expect(connects(e)).toEqual([]);
  });

  it('adopts a better vote of the same round and rebroadcasts; ignores older rounds; jumps to newer rounds from the initial vote', () => {
    const s = fle(1, [1, 2, 3]);
    s.start();
    s.accepted(7, 2);
    s.accepted(8, 3);
    s.take();
    s.deliver(7, 2, 'LOOKING', vote(2));
    let e = s.take();
    expect(notes(e).map((n) => n.fle)).toContain('adopt');
    expect(sends(e).map((x) => [x.conn, x.msg.vote.leader])).toEqual([
      [7, 2],
      [8, 2],
    ]);
    // s2's vote + our own (re-looped) vote for s2: a quorum
    expect(s.f.phase).toBe('finalizing');
    // an older round is ignored by the loop but answered by the receive path with our round
    s.deliver(8, 3, 'LOOKING', vote(3, 0));
    e = s.take();
    expect(sends(e).map((x) => [x.conn, x.msg.vote.leader, x.msg.vote.electionEpoch])).toEqual([[8, 2, 1]]);
    expect(s.f.phase).toBe('polling'); // s3's vote beats s2: finalize cancelled (the round is not checked there)
    expect(notes(e).map((n) => n.fle)).toEqual(['finalize-cancel']);
    expect(s.f.proposal.leader).toBe(2); // ...and then ignored in the loop as an older round
    // a newer round: proposal := better of (sender's vote, OWN INITIAL vote), recvset cleared
    s.deliver(7, 2, 'LOOKING', vote(1, 5, 0, zxid(0, 0)));
    e = s.take();
    expect(s.f.logicalclock).toBe(5);
    expect(notes(e)[0]).toMatchObject({ fle: 'jump', round: 5, adopted: false });
    expect(s.f.proposal).toEqual(vote(1, 5));
  });

  it('the finalize wait: a vote that is not better is dropped and restarts the wait; a better one resumes the loop', () => {
    const s = fle(3, [1, 2, 3, 4, 5]);
    s.start();
    s.connected(10, 'fle:cnx:1:1', 1);
    s.connected(11, 'fle:cnx:2:2', 2);
    s.take();
    s.deliver(10, 1, 'LOOKING', vote(3));
    expect(s.f.phase).toBe('polling');
    expect(timers(s.take())).toEqual(['fle:poll=200']); // each notification taken re-arms the poll timeout
    s.deliver(11, 2, 'LOOKING', vote(3));
    let e = s.take();
    expect(s.f.phase).toBe('finalizing');
    expect(notes(e)).toEqual([expect.objectContaining({ fle: 'finalize', supporters: [1, 2, 3] })]);
    expect(timers(e)).toEqual(['fle:finalize=200']);
    // not better: dropped, the wait starts over
    s.deliver(10, 1, 'LOOKING', vote(2));
    e = s.take();
    expect(timers(e)).toEqual(['fle:finalize=200']);
    expect(s.f.phase).toBe('finalizing');
    // better (higher peerEpoch): back to the loop, which adopts it
    s.deliver(11, 2, 'LOOKING', vote(2, 1, 7));
    e = s.take();
    expect(notes(e).map((n) => n.fle)).toEqual(['finalize-cancel', 'adopt']);
    expect(s.f.proposal).toEqual(vote(2, 1, 7));
    expect(s.f.phase).toBe('polling');
    expect(s.timer('fle:finalize')).toBeUndefined(); // a stale finalize timer does nothing
  });

  it('zxid -1: LOOKING notifications carrying it are ignored, and a server whose own zxid is -1 ignores all of them', () => {
    const minusOne = { epoch: -1, counter: 0xffffffff };
    const s = fle(1);
    s.start();
    s.accepted(7, 2);
    s.take();
    s.deliver(7, 2, 'LOOKING', vote(2, 1, 0, minusOne));
    expect(s.f.proposal.leader).toBe(1);
    const t = fle(1);
    t.start({ lastZxid: minusOne, currentEpoch: 0 });
    t.accepted(7, 2);
    t.deliver(7, 2, 'LOOKING', vote(2));
    expect(t.f.proposal.leader).toBe(1);
  });
});

describe('FOLLOWING/LEADING notifications', () => {
  it('recvset path: a quorum naming the leader plus the leader saying LEADING (legacy-version entries match by leader id only)', () => {
    const s = fle(1, [1, 2, 3]);
    s.start();
    s.accepted(7, 2);
    s.accepted(8, 3);
    expect(s.deliver(7, 2, 'FOLLOWING', vote(3, 1, 1))).toBeUndefined();
    // different peerEpoch, same leader: still equal in recvset (entries are recorded as version 0)
    const d = s.deliver(8, 3, 'LEADING', vote(3, 1, 2));
    expect(d).toMatchObject({ state: 'FOLLOWING', via: 'recvset', supporters: [2, 3] });
    expect(s.f.state).toBe('FOLLOWING');
  });

  it('outofelection path compares leader and peerEpoch: differing epochs make no quorum', () => {
    const s = fle(1, [1, 2, 3]);
    s.start();
    s.f.setPeerState('FOLLOWING', vote(3));
    s.f.lookForLeader({ lastZxid: zxid(0, 0), currentEpoch: 0 }, ctx, []); // round 2
    s.accepted(7, 2);
    s.accepted(8, 3);
    expect(s.deliver(7, 2, 'FOLLOWING', vote(3, 1, 1))).toBeUndefined();
    expect(s.deliver(8, 3, 'LEADING', vote(3, 1, 2))).toBeUndefined();
    expect(s.f.state).toBe('LOOKING');
    // the leader now reports the same epoch as the follower
    const d = s.deliver(8, 3, 'LEADING', vote(3, 1, 1));
    expect(d).toMatchObject({ state: 'FOLLOWING', via: 'outofelection', supporters: [2, 3] });
    expect(s.f.logicalclock).toBe(1);
  });

  it('checkLeader: a quorum of FOLLOWING votes for a leader that never said LEADING decides nothing', () => {
    const s = fle(1, [1, 2, 3, 4, 5]);
    s.start();
    for (const sid of [2, 3, 4]) s.accepted(10 + sid, sid);
    for (const sid of [2, 3, 4]) expect(s.deliver(10 + sid, sid, 'FOLLOWING', vote(5))).toBeUndefined();
    expect(s.f.state).toBe('LOOKING');
    s.accepted(15, 5);
    expect(s.deliver(15, 5, 'LEADING', vote(5))).toMatchObject({ state: 'FOLLOWING', via: 'recvset', supporters: [2, 3, 4, 5] });
  });

  it('votes from or for non-voters are ignored by the loop', () => {
    const s = fle(1, [1, 2, 3], [4]);
    s.start();
    s.accepted(7, 2);
    s.accepted(8, 3);
    s.deliver(7, 2, 'LOOKING', vote(4, 1, 9)); // proposes the observer
    expect(s.f.proposal.leader).toBe(1);
  });

  it('notifications that arrive while LOOKING between rounds wait for lookForLeader; a decision they cause comes out of onInput', () => {
    const s = fle(1, [1, 2, 3]);
    s.f.start(ctx, []);
    s.accepted(7, 2);
    s.accepted(8, 3);
    expect(s.deliver(7, 2, 'FOLLOWING', vote(3))).toBeUndefined();
    expect(s.deliver(8, 3, 'LEADING', vote(3))).toBeUndefined();
    expect(s.f.running).toBe(false);
    s.take();
    s.f.lookForLeader({ lastZxid: zxid(0, 0), currentEpoch: 0 }, ctx, []);
    expect(s.f.state).toBe('FOLLOWING');
    expect(s.timer('fle:decided')).toMatchObject({ state: 'FOLLOWING', via: 'recvset' });
  });
});

describe('receive-side replies (WorkerReceiver)', () => {
  it('after deciding: LOOKING senders get the current vote and state; others get nothing', () => {
    const s = fle(3, [1, 2, 3]);
    s.start();
    s.connected(10, 'fle:cnx:1:1', 1);
    s.take();
    s.f.setPeerState('LEADING', vote(3, 4, 2));
    s.deliver(10, 1, 'LOOKING', vote(1, 9));
    const e = s.take();
    expect(sends(e).map((x) => [x.msg.state, x.msg.vote])).toEqual([['LEADING', vote(3, 4, 2)]]);
    s.deliver(10, 1, 'FOLLOWING', vote(3, 4, 2));
    expect(sends(s.take())).toEqual([]);
    // updateElectionVote changes only the epoch
    s.f.updateElectionVote(5);
    s.deliver(10, 1, 'LOOKING', vote(1, 9));
    expect(sends(s.take()).map((x) => x.msg.vote)).toEqual([vote(3, 4, 5)]);
  });

  it('a non-voter always gets our current vote with our logicalclock as round, and is not tallied', () => {
    const s = fle(3, [1, 2, 3], [4]);
    s.start();
    s.accepted(10, 4);
    s.take();
    s.deliver(10, 4, 'LOOKING', vote(Number.MIN_SAFE_INTEGER, 1, Number.MIN_SAFE_INTEGER));
    const e = s.take();
    // the current vote of a first round is the server itself, round -1 — but sent with round 1
    expect(sends(e).map((x) => [x.msg.state, x.msg.vote])).toEqual([['LOOKING', vote(3, 1, 0)]]);
  });
});

describe('election connections (QuorumCnxManager)', () => {
  it('a connection from a smaller sid is dropped, together with the one we had, and we connect back', () => {
    const s = fle(2, [1, 2, 3]);
    const first = connects(s.start()).find((c) => c.to === 's1')!;
    s.connected(20, first.ref, 1);
    expect(s.f.connectedPeers()).toEqual([1]);
    s.take();
    s.accepted(21, 1);
    const e = s.take();
    expect(closes(e)).toEqual([20, 21]);
    expect(connects(e).map((c) => c.to)).toEqual(['s1']);
    expect(notes(e)[0]).toMatchObject({ fle: 'cnx-drop', peer: 1 });
    expect(s.f.connectedPeers()).toEqual([]);
  });

  it('a connection we open to a higher sid is closed once open (the peer connects back); a lower sid keeps it', () => {
    const s = fle(2, [1, 2, 3]);
    const e = s.start();
    const to3 = connects(e).find((c) => c.to === 's3')!;
    s.connected(30, to3.ref, 3);
    expect(closes(s.take())).toEqual([30]);
    expect(s.f.connectedPeers()).toEqual([]);
    s.accepted(31, 3); // the higher sid's connection is kept, and our queued vote goes out on it
    const e2 = s.take();
    expect(closes(e2)).toEqual([]);
    expect(sends(e2).map((x) => [x.conn, x.msg.vote.leader])).toEqual([[31, 2]]);
    expect(s.f.connectedPeers()).toEqual([3]);
  });

  it('send queue of capacity 1: only the newest notification waits for a connection', () => {
    const s = fle(3, [1, 2, 3]);
    const refs = connects(s.start());
    s.connected(10, refs.find((c) => c.to === 's1')!.ref, 1);
    expect(sends(s.take()).map((x) => x.msg.vote.leader)).toEqual([3]);
    // s1 has a newer epoch: we adopt it and broadcast; s2 is not connected yet: its slot is replaced
    s.deliver(10, 1, 'LOOKING', vote(1, 1, 4));
    expect(sends(s.take()).map((x) => [x.conn, x.msg.vote.leader])).toEqual([[10, 1]]);
    expect(s.f.connections.queuedFor(2)?.vote.leader).toBe(1);
    s.connected(11, refs.find((c) => c.to === 's2')!.ref, 2);
    expect(sends(s.take()).map((x) => [x.conn, x.msg.vote.leader])).toEqual([[11, 1]]);
  });

  it('the last message is sent again on a new connection when nothing is queued; a closed connection is not reopened by itself', () => {
    const s = fle(1, [1, 2, 3]);
    s.start();
    s.accepted(7, 3);
    const first = sends(s.take());
    expect(first.map((x) => x.conn)).toEqual([7]);
    s.closed(7, 3);
    expect(s.take()).toEqual([]);
    expect(s.f.connectedPeers()).toEqual([]);
    s.accepted(9, 3);
    expect(sends(s.take()).map((x) => [x.conn, x.msg])).toEqual([[9, first[0].msg]]);
  });

  it('owns exactly the election inputs', () => {
    const s = fle(1);
    s.start();
    s.accepted(7, 3);
    expect(s.f.owns({ kind: 'timer', timer: 'fle:poll' })).toBe(true);
    expect(s.f.owns({ kind: 'timer', timer: 'tick' })).toBe(false);
    expect(s.f.owns({ kind: 'accepted', conn: 1, from: 's2', port: 'quorum' })).toBe(false);
    expect(s.f.owns({ kind: 'connected', conn: 1, ref: 'zab:1', to: 's2', port: 'quorum' })).toBe(false);
    expect(s.f.owns({ kind: 'closed', conn: 7, peer: 's3', reason: 'reset' })).toBe(true);
    expect(s.f.owns({ kind: 'closed', conn: 99, peer: 's3', reason: 'reset' })).toBe(false);
    expect(s.f.owns({ kind: 'call', call: {} })).toBe(false);
  });

  it('composes with a host whose messages and effects are wider', () => {
    type Host = ElectionMsg | { t: 'ping' };
    const f = new FastLeaderElection(electionConfig(1, [1, 2], [], node));
    const effects: Effect<Host>[] = [];
    f.start(ctx, effects);
    f.lookForLeader({ lastZxid: zxid(0, 0), currentEpoch: 0 }, ctx, effects);
    const input: Input<Host> = { kind: 'deliver', conn: 1, from: 's2', port: 'quorum', msg: { t: 'ping' } };
    expect(f.owns(input)).toBe(false);
    expect(effects.some((e) => e.kind === 'connect')).toBe(true);
  });
});
