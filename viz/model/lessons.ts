/**
 * Guided lessons: a scenario and the events to stop at, each with a caption saying what happened
 * and which protocol rule made it happen. A stop matches the first event after the previous stop;
 * a stop the trace never reaches is left out.
 */
import type { TraceEvent } from '../../sim/kernel/trace/events.js';

export interface LessonStep {
  caption: string;
  /** A note's `fle` or `zab` tag, optionally with more conditions on its data. */
  match: (e: TraceEvent) => boolean;
}

export interface Lesson {
  id: string;
  title: string;
  /** The scenario `zksim viz --lesson ID` runs (from the package root). */
  scenario: string;
  steps: LessonStep[];
}

const note = (tag: 'fle' | 'zab', value: string, more: (d: Record<string, unknown>) => boolean = () => true) => (e: TraceEvent) => {
  if (e.kind !== 'note') return false;
  const d = e.data as Record<string, unknown> | undefined;
  return d !== undefined && d[tag] === value && more(d);
};

const crash = (e: TraceEvent) => e.kind === 'crash';
const role = (r: string) => (e: TraceEvent) => e.kind === 'role' && e.role === r;

export const LESSONS: Lesson[] = [
  {
    id: 'first-election',
    title: 'The first election of three servers',
    scenario: 'scenarios/zk-first-election-3.json',
    steps: [
      { caption: 'All three servers start LOOKING, and each votes for itself: (currentEpoch, last zxid, sid). Rule: a new election round starts with your own vote, sent to every server.', match: note('fle', 'round') },
      { caption: 'A server receives a vote that beats its own and adopts it, then sends it to everyone. Rule: votes compare by peerEpoch, then zxid, then sid. Here epochs and zxids are all 0, so the higher sid wins.', match: note('fle', 'adopt') },
      { caption: 'A server sees a quorum (2 of 3) of identical votes in its round. Rule: it does not decide at once but waits finalizeWait (200 ms) for a better vote.', match: note('fle', 'finalize') },
      { caption: 'A better vote arrives during the wait, so the wait is cancelled and the server votes again. Rule: any notification that beats the proposal ends the wait.', match: note('fle', 'finalize-cancel') },
      { caption: 'The wait ends with no better vote: the server that everyone votes for decides to LEAD. Rule: decide when a quorum agrees and nothing better came within finalizeWait.', match: note('fle', 'decide', (d) => d.state === 'LEADING') },
      { caption: 'Discovery: the leader proposes a new epoch, one above the highest acceptedEpoch of a quorum (itself included), and each follower writes it to disk before acknowledging.', match: note('zab', 'epoch') },
      { caption: 'Synchronization: the leader brings each follower up to date from its committed log — an empty DIFF here, since nobody has written anything yet.', match: note('zab', 'sync') },
      { caption: 'A quorum acknowledged NEWLEADER with the history on disk: the leader is established in the new epoch, and broadcast (PROPOSAL, ACK, COMMIT) begins.', match: note('zab', 'established') },
    ],
  },
  {
    id: 'leader-crash',
    title: 'The leader crashes: detection and re-election',
    scenario: 'scenarios/zk-leader-crash.json',
    steps: [
      { caption: 'The ensemble runs: one leader established, the others following it in broadcast.', match: note('zab', 'established') },
      { caption: 'The leader\'s process is killed (kill -9). Its sockets close, so its followers find out from the operating system, not from a timeout.', match: crash },
      { caption: 'A follower leaves its role and goes back to LOOKING. Rule: a learner whose connection to the leader closes (or that hears nothing for syncLimit ticks) starts a new election.', match: note('zab', 'looking') },
      { caption: 'A new round: each survivor votes, and the votes compare by (peerEpoch, zxid, sid). The survivors have the same epoch and history, so the higher sid wins.', match: note('fle', 'round') },
      { caption: 'Two of three servers agree: a quorum. The crashed server is not needed; a majority of the ensemble is.', match: note('fle', 'finalize') },
      { caption: 'The survivor everyone votes for decides to lead.', match: role('LEADING') },
      { caption: 'Discovery: the new leader proposes an epoch one above every acceptedEpoch it hears of, so nothing the old leader does can be confused with the new epoch.', match: note('zab', 'epoch') },
      { caption: 'The new leader is established in the new epoch: service resumes with one server down.', match: note('zab', 'established') },
      { caption: 'The old leader restarts: it starts LOOKING, learns from the others\' replies who leads, and follows.', match: (e) => e.kind === 'boot' },
      { caption: 'It syncs with the new leader (DIFF, TRUNC or SNAP, depending on what it has) and serves again.', match: note('zab', 'uptodate') },
    ],
  },
  {
    id: 'minority',
    title: 'Why a minority cannot elect',
    scenario: 'scenarios/zk-minority-partition-with-leader.json',
    steps: [
      { caption: 'Five servers: one leader established, four followers. A quorum is any 3 of the 5.', match: note('zab', 'established') },
      { caption: 'A partition cuts the leader and one follower (2 of 5) off from the other three.', match: (e) => e.kind === 'fault' },
      { caption: 'On the majority side the followers hear nothing from the leader within syncLimit ticks, leave it and start an election.', match: note('zab', 'looking') },
      { caption: 'Three servers can agree: the majority elects a new leader. Rule: a decision needs a quorum of identical votes, and 3 of 5 is one.', match: role('LEADING') },
      { caption: 'The new leader establishes a new epoch with its two followers, and writes commit again on the majority side.', match: note('zab', 'established') },
      { caption: 'The old leader has heard from only 2 of 5 servers within syncLimit ticks: it steps down rather than keep leading without a quorum.', match: note('zab', 'looking', (d) => String(d.reason).startsWith('not sufficient followers')) },
      { caption: 'The two on the minority side vote, but no vote can reach 3: each round times out and they send their votes again, with longer and longer waits. They stay LOOKING.', match: note('fle', 'timeout', (d) => d.sid === 4 || d.sid === 5) },
      { caption: 'The partition heals.', match: (e) => e.kind === 'heal' },
      { caption: 'The minority finds the established leader and syncs with it: whatever it logged and could not commit is replaced (here by a snapshot), and it serves again.', match: note('zab', 'uptodate') },
    ],
  },
];

export function lessonById(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}

/** The event indices a lesson stops at in this trace, with their captions, in order. */
export function lessonStops(lesson: Lesson, events: readonly TraceEvent[]): { index: number; caption: string }[] {
  const out: { index: number; caption: string }[] = [];
  let from = 0;
  for (const step of lesson.steps) {
    const i = events.findIndex((e, j) => j >= from && step.match(e));
    if (i < 0) continue;
    out.push({ index: i, caption: step.caption });
    from = i + 1;
  }
  return out;
}
