import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareZxid } from '../sim/zk/zxid.js';
import { totalOrderPredicate, votesEqual, type PeerState, type TalliedVote, type Vote } from '../sim/zk/election/vote.js';

const arbVote: fc.Arbitrary<Vote> = fc.record({
  leader: fc.integer({ min: 1, max: 7 }),
  zxid: fc.record({ epoch: fc.integer({ min: 0, max: 3 }), counter: fc.integer({ min: 0, max: 4 }) }),
  electionEpoch: fc.integer({ min: 0, max: 5 }),
  peerEpoch: fc.integer({ min: 0, max: 3 }),
});

/** The ranking key as one tuple, compared element by element (brute force). */
const key = (v: Vote): number[] => [v.peerEpoch, v.zxid.epoch, v.zxid.counter, v.leader];
function lexGreater(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
}
const sameKey = (a: Vote, b: Vote) => !lexGreater(key(a), key(b)) && !lexGreater(key(b), key(a));

describe('totalOrderPredicate', () => {
  it('is the lexicographic order on (peerEpoch, zxid, sid); the round plays no part', () => {
    fc.assert(
      fc.property(arbVote, arbVote, (a, b) => {
        expect(totalOrderPredicate(a, b)).toBe(lexGreater(key(a), key(b)));
        // electionEpoch is irrelevant
        expect(totalOrderPredicate({ ...a, electionEpoch: a.electionEpoch + 9 }, b)).toBe(totalOrderPredicate(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('is a strict total order on ranking keys: irreflexive, asymmetric, transitive, total', () => {
    fc.assert(
      fc.property(arbVote, arbVote, arbVote, (a, b, c) => {
        expect(totalOrderPredicate(a, a)).toBe(false);
        if (totalOrderPredicate(a, b)) expect(totalOrderPredicate(b, a)).toBe(false);
        if (totalOrderPredicate(a, b) && totalOrderPredicate(b, c)) expect(totalOrderPredicate(a, c)).toBe(true);
        // trichotomy: exactly one of a>b, b>a, same key
        const n = [totalOrderPredicate(a, b), totalOrderPredicate(b, a), sameKey(a, b)].filter(Boolean).length;
        expect(n).toBe(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('puts currentEpoch before zxid and zxid before sid', () => {
    const v = (peerEpoch: number, epoch: number, counter: number, leader: number): Vote => ({ leader, zxid: { epoch, counter }, electionEpoch: 1, peerEpoch });
    expect(totalOrderPredicate(v(2, 1, 5, 1), v(1, 1, 100, 3))).toBe(true); // newer epoch, shorter log
    expect(totalOrderPredicate(v(1, 1, 100, 1), v(1, 1, 99, 3))).toBe(true); // longer log beats higher sid
    expect(totalOrderPredicate(v(1, 2, 0, 1), v(1, 1, 0xffffffff, 3))).toBe(true); // zxid epoch bits before counter
    expect(totalOrderPredicate(v(1, 1, 5, 3), v(1, 1, 5, 2))).toBe(true);
    expect(totalOrderPredicate(v(1, 1, 5, 2), v(1, 1, 5, 3))).toBe(false);
  });

  it('agrees with compareZxid on the zxid component', () => {
    fc.assert(
      fc.property(arbVote, arbVote, (a, b) => {
        const c = compareZxid(a.zxid, b.zxid);
        if (a.peerEpoch === b.peerEpoch && c !== 0) expect(totalOrderPredicate(a, b)).toBe(c > 0);
      }),
    );
  });
});

describe('vote equality (Vote.equals)', () => {
  const t = (vote: Vote, state: PeerState, version = 2): TalliedVote => ({ vote, state, version });
  const base: Vote = { leader: 3, zxid: { epoch: 1, counter: 7 }, electionEpoch: 4, peerEpoch: 1 };

  it('a LOOKING vote on either side must match in full (leader, zxid, round, peerEpoch)', () => {
    expect(votesEqual(t(base, 'LOOKING'), t({ ...base }, 'FOLLOWING'))).toBe(true);
    expect(votesEqual(t(base, 'LOOKING'), t({ ...base, electionEpoch: 5 }, 'LOOKING'))).toBe(false);
    expect(votesEqual(t(base, 'FOLLOWING'), t({ ...base, zxid: { epoch: 1, counter: 8 } }, 'LOOKING'))).toBe(false);
  });

  it('FOLLOWING/LEADING votes compare only leader and peerEpoch', () => {
    const other = { ...base, zxid: { epoch: 1, counter: 99 }, electionEpoch: 9 };
    expect(votesEqual(t(base, 'FOLLOWING'), t(other, 'LEADING'))).toBe(true);
    expect(votesEqual(t(base, 'FOLLOWING'), t({ ...other, peerEpoch: 2 }, 'LEADING'))).toBe(false);
  });

  it('with exactly one legacy (version 0) side, only the leader must match', () => {
    expect(votesEqual(t(base, 'FOLLOWING', 2), t({ ...base, peerEpoch: 2 }, 'FOLLOWING', 0))).toBe(true);
    expect(votesEqual(t(base, 'FOLLOWING', 0), t({ ...base, peerEpoch: 2 }, 'FOLLOWING', 0))).toBe(false);
    expect(votesEqual(t(base, 'FOLLOWING', 2), t({ ...base, leader: 2 }, 'FOLLOWING', 0))).toBe(false);
  });
});
