/**
 * Online ZAB invariants, checked after every event by looking at every server (the names are the
 * Zab paper's and the TLA+ specs'):
 *
 * - Leadership: at most one server ever establishes leadership in an epoch.
 * - Integrity + Agreement: a zxid means the same transaction on every server that applies it.
 * - TotalOrder / LocalPrimaryOrder / GlobalPrimaryOrder: each server applies zxids in increasing
 *   order (within an incarnation; a restart replays its log from the start).
 * - CommittedLogDurability (CommitCompleteness): once a transaction is committed, every later
 *   established leader has applied it when it starts to serve.
 * - CommitDurability: when a leader commits a transaction, a quorum of voters holds it in durable
 *   storage (what an ACK promises; a server that is down counts if its disk holds it).
 * - EpochDurability: when a leader establishes epoch e, a quorum of voters has currentEpoch e on
 *   disk (what a NEWLEADER ACK promises).
 *
 * A violation stops nothing by itself; the run's verdict reports the first one with its event,
 * time, servers and seed.
 */
import { hasLegacy } from '../history/known-bugs.js';
import type { NodeId } from '../contract/node.js';
import { compareZxid, formatZxid, zxidKey, type Zxid } from '../zk/zxid.js';
import type { World } from '../world/world.js';
import type { PeerState } from '../zk/quorum/quorum-peer.js';
import type { TraceEvent } from '../kernel/trace/events.js';
import type { TxnBody } from '../zk/txn.js';
import type { Monitor, Verdict } from './verdict.js';
import { CURRENT_EPOCH, TXN_LOG } from '../zk/quorum/replica-db.js';

export interface ZabViolation {
  invariant: string;
  at: number;
  /** Trace events recorded when it was found (-1 without a trace): `zksim show --from` goes there. */
  seq: number;
  nodes: NodeId[];
  detail: string;
}

interface Cursor {
  db: unknown;
  seen: number;
  last: Zxid | undefined;
  gen: number;
  /** The server was serving clients (in broadcast) at the last check. */
  serving: boolean;
  /** Its role object and phase at the last check: nothing to look at while they and `applied` stay. */
  role: unknown;
  phase: string | undefined;
}

export class ZabInvariants implements Monitor {
  readonly name = 'zab-invariants';
  readonly violations: ZabViolation[] = [];
  /** zxid (as one number) → the transaction first applied under it, and where. */
  private readonly meaning = new Map<number, { body: TxnBody; node: NodeId }>();
  private readonly leaders = new Map<number, number>();
  /** zxids committed so far, in order, and the same as numbers. */
  private readonly committed: Zxid[] = [];
  private readonly committedKeys = new Set<number>();
  /**
   * What a learner may apply: the commits, plus the history of each leader that got a quorum for
   * its epoch (it is the initial history of that epoch, synced to learners before NEWLEADER).
   */
  private readonly deliverable = new Set<number>();
  private readonly adopted = new Set<number>();
  /** Commits that counted a learner's ACK from before its TRUNC (see ackedBeforeTrunc). */
  private staleAckCommits = 0;
  /** Epochs whose leader reached broadcast: its initial history is committed. */
  private readonly established = new Set<number>();
  /** zxids some learner delivered (applied while serving as a follower or observer), for PrimaryIntegrity. */
  private readonly delivered: Zxid[] = [];
  private readonly deliveredKeys = new Set<number>();
  /** The trace position of the first violation, for the report (when a trace is recorded). */
  private readonly traceCount: () => number;
  /** Per server (same index as `servers`): how far its applied transactions were checked. */
  private readonly cursors: (Cursor | undefined)[] = [];
  private hosts: { state: unknown }[] | undefined;
  private checks = 0;

  constructor(
    private readonly world: World<unknown, unknown>,
    private readonly servers: readonly NodeId[],
  ) {
    this.traceCount = () => (world.trace.enabled ? world.trace.count : -1);
  }

  private fail(v: Omit<ZabViolation, 'at' | 'seq'>): void {
    if (this.violations.length < 20) this.violations.push({ ...v, at: this.world.kernel.now, seq: this.traceCount() });
  }

  /** A safety violation ends the run at once: what follows it would only obscure it. */
  get violated(): boolean {
    return this.violations.length > 0;
  }

  onEvent(e: TraceEvent): void {
    // ShouldNotBeTriggered (the TLA+ specs' ackInconsistent): after NEWLEADER a learner's first
    // packet is its NEWLEADER ACK; a leader that finds another ACK there cannot count the learner.
    const d = e.kind === 'note' ? (e.data as { zab?: string; sid?: number; zxid?: Zxid } | undefined) : undefined;
    if (d?.zab === 'newleader-ack-discarded' && e.kind === 'note') {
      this.fail({ invariant: 'NewLeaderAck', nodes: [e.node], detail: `leader ${e.node} received an ACK of ${formatZxid(d.zxid!)} from s${d.sid} where its NEWLEADER ACK belonged, and cannot count it for the epoch` });
    }
  }

  afterEvent(): void {
    this.check();
  }

  /** Call after every kernel event (the runner does, through afterEvent). */
  check(): void {
    this.checks++;
    const hosts = (this.hosts ??= this.servers.map((n) => this.world.host(n)));
    for (let i = 0; i < hosts.length; i++) {
      const node = this.servers[i];
      const peer = (hosts[i].state as PeerState | undefined)?.peer;
      if (peer === undefined) continue;
      const db = peer.db;
      let c = this.cursors[i];
      if (c === undefined || c.db !== db) {
        c = { db, seen: 0, last: undefined, gen: -1, serving: false, role: undefined, phase: undefined };
        this.cursors[i] = c;
        this.checkBootHistory(node, db);
      }
      const role = peer.role as { kind: string; phase?: string; epoch?: number };
      // Most events change nothing a server has applied, nor its role: skip it then.
      if (c.seen === db.applied.length && c.role === role && c.phase === role.phase) continue;
      c.role = role;
      c.phase = role.phase;
      // What an established leader applies, it has committed.
      const leading = role.kind === 'LEADING' && role.phase === 'BROADCAST';
      const learning = role.kind === 'FOLLOWING' || role.kind === 'OBSERVING';
      for (; c.seen < db.applied.length; c.seen++) {
        const a = db.applied[c.seen];
        if (leading && (this.committed.length === 0 || compareZxid(a.zxid, this.committed.at(-1)!) > 0)) {
          this.committed.push(a.zxid);
          this.committedKeys.add(zxidKey(a.zxid));
          this.deliverable.add(zxidKey(a.zxid));
          this.checkCommitDurable(node, a.zxid, peer.cfg);
        }
        // Delivery is what a learner applies once it serves (what it applied while syncing is
        // counted when it starts serving, below): a sync whose leader was never established
        // delivered nothing, and a later leader may rightly lack it.
        if (learning && role.phase === 'BROADCAST') this.deliver(a.zxid);
        // Integrity: a learner applies only what a leader committed (a replay at boot is not delivery).
        if (learning && !this.deliverable.has(zxidKey(a.zxid)) && compareZxid(a.zxid, this.firstWatched) > 0 && !this.fromLeaderHistory(peer, a.zxid)) {
          this.fail({ invariant: 'Integrity', nodes: [node], detail: `${node} applied ${formatZxid(a.zxid)} ${JSON.stringify(a.body)}, which no leader committed` });
        }
        if (a.gen !== c.gen) {
          c.gen = a.gen; // the tree was rebuilt (restart, TRUNC, SNAP): its order starts over
          c.last = undefined;
        }
        const key = zxidKey(a.zxid);
        const known = this.meaning.get(key);
        if (known === undefined) this.meaning.set(key, { body: a.body, node });
        else if (!sameBody(known.body, a.body)) {
          this.fail({ invariant: 'Agreement', nodes: [known.node, node], detail: `${formatZxid(a.zxid)} is ${JSON.stringify(known.body)} on ${known.node} but ${JSON.stringify(a.body)} on ${node}` });
        }
        if (c.last !== undefined && compareZxid(a.zxid, c.last) <= 0) {
          this.fail({ invariant: 'TotalOrder', nodes: [node], detail: `${node} applied ${formatZxid(a.zxid)} after ${formatZxid(c.last)}` });
        } else if (c.last !== undefined && a.zxid.epoch === c.last.epoch && a.zxid.counter !== c.last.counter + 1) {
          // A leader commits its epoch's proposals in counter order, so a server that applies one
          // after another of the same epoch in a tree it did not rebuild has skipped those between.
          this.fail({ invariant: 'PrefixConsistency', nodes: [node], detail: `${node} applied ${formatZxid(a.zxid)} right after ${formatZxid(c.last)}, skipping the committed txns between` });
        }
        c.last = a.zxid;
      }
      // A leader past discovery syncs its history to learners, who may apply it (Integrity allows
      // that); it is committed only once a quorum acknowledged NEWLEADER and the leader broadcasts.
      if (role.kind === 'LEADING' && role.epoch !== undefined && role.phase !== 'DISCOVERY' && !this.adopted.has(role.epoch)) {
        this.adopted.add(role.epoch);
        for (const key of this.historyKeys(db)) this.deliverable.add(key);
      }
      if (leading && role.epoch !== undefined && !this.established.has(role.epoch)) {
        this.established.add(role.epoch);
        const fresh = this.historyKeys(db).filter((key) => !this.committedKeys.has(key));
        for (const key of fresh) this.committedKeys.add(key);
        this.checkHistoryDurable(node, role.epoch, fresh, peer.cfg);
      }
      // ProcessConsistency: a server that starts serving clients holds only committed transactions.
      const serving = role.phase === 'BROADCAST' && (leading || learning);
      if (serving && !c.serving) {
        this.checkServes(node, db);
        if (learning) for (const a of db.applied) if (a.gen === db.generation) this.deliver(a.zxid);
      }
      c.serving = serving;
      if (leading && role.epoch !== undefined) {
        const prev = this.leaders.get(role.epoch);
        if (prev === undefined) {
          this.leaders.set(role.epoch, peer.sid);
          this.checkNewLeader(node, role.epoch, peer.db);
          this.checkEpochDurable(node, role.epoch, peer.cfg);
        } else if (prev !== peer.sid) {
          this.fail({ invariant: 'Leadership', nodes: [node], detail: `epoch ${role.epoch} established by s${prev} and by s${peer.sid}` });
        }
      }
    }
  }

  /**
   * Every committed transaction some server applied so far (any incarnation), in zxid order: the
   * history the client checks judge reads against. A txn a server only replayed from its own log
   * at boot, and which no leader committed, is not in it.
   */
  committedTxns(): { zxid: Zxid; body: TxnBody }[] {
    const out: { zxid: Zxid; body: TxnBody }[] = [];
    for (const [key, m] of this.meaning) {
      if (this.committedKeys.has(key)) out.push({ zxid: { epoch: Math.floor(key / 4294967296), counter: key % 4294967296 }, body: m.body });
    }
    return out.sort((a, b) => compareZxid(a.zxid, b.zxid));
  }

  /**
   * CommitDurability: a voter ACKs a proposal only once it is fsynced, so when a leader commits
   * one, a quorum holds it durably — servers that are down included, judged by what their disks
   * would boot with. Live servers are asked first, so a disk is read only when they fall short.
   */
  private checkCommitDurable(leader: NodeId, z: Zxid, cfg: PeerState['peer']['cfg']): void {
    const voters = cfg.servers.filter((s) => s.role === 'participant');
    let held = 0;
    let staleAcks = false;
    const down: NodeId[] = [];
    const missing: NodeId[] = [];
    for (const s of voters) {
      const peer = (this.world.stateOf(s.node) as PeerState | undefined)?.peer;
      if (peer === undefined) down.push(s.node);
      else if (peer.db.durablyLogged(z)) held++;
      else if (this.ackedBeforeTrunc(peer.db, z)) {
        held++;
        staleAcks = true;
      } else missing.push(s.node);
      if (held * 2 > voters.length) {
        if (staleAcks) this.staleAckCommits++;
        return;
      }
    }
    for (const n of down) {
      // A damaged record may be this one: count the server (the check must never cry wolf).
      const records = this.world.host(n).disk.view().readLog(TXN_LOG);
      if (records.some((r) => !r.ok || compareZxid((r.data as { zxid: Zxid }).zxid, z) === 0)) held++;
      else missing.push(n);
      if (held * 2 > voters.length) {
        if (staleAcks) this.staleAckCommits++;
        return;
      }
    }
    this.fail({ invariant: 'CommitDurability', nodes: [leader, ...missing], detail: `leader ${leader} committed ${formatZxid(z)} while only ${held} of ${voters.length} voters held it durably (not on ${missing.join(', ')})` });
  }

  /**
   * A learner that ACKed a proposal, then was re-synced by TRUNC below it within the same epoch
   * (it had logged more than the leader's committed log): ZooKeeper's leader keeps the ACK in the
   * proposal's ack set and re-sends the proposal, so it may commit before the learner has it on
   * disk again. That is ZooKeeper's behaviour, not a planted mistake: counted, reported, allowed.
   */
  private ackedBeforeTrunc(db: PeerState['peer']['db'], z: Zxid): boolean {
    const t = db.truncated;
    return t !== undefined && t.to.epoch === z.epoch && compareZxid(t.to, z) < 0 && compareZxid(z, t.upTo) <= 0;
  }

  /**
   * EpochDurability: a voter ACKs NEWLEADER only once its synced history and then its currentEpoch
   * are on disk, and the leader counts its own only after writing it, so when a leader starts to
   * serve epoch e, a quorum would boot with currentEpoch ≥ e (it never goes down).
   */
  private checkEpochDurable(leader: NodeId, epoch: number, cfg: PeerState['peer']['cfg']): void {
    // Before Zab 1.0 (ZOOKEEPER-335) no epoch was written anywhere: there is nothing to check
    // here, and what that costs shows up as Leadership and Agreement violations.
    if (hasLegacy(cfg.legacy, 'ZOOKEEPER-335')) return;
    const voters = cfg.servers.filter((s) => s.role === 'participant');
    let held = 0;
    const missing: string[] = [];
    for (const s of voters) {
      const peer = (this.world.stateOf(s.node) as PeerState | undefined)?.peer;
      let durable: number | undefined;
      if (peer !== undefined) durable = peer.db.durableCurrentEpoch;
      else {
        // Down: what its disk would boot with. Without an intact last record the boot falls back
        // on other files, so count it rather than guess.
        const last = this.world.host(s.node).disk.view().readLog(CURRENT_EPOCH).at(-1);
        durable = last?.ok === true ? (last.data as number) : undefined;
      }
      if (durable === undefined || durable >= epoch) held++;
      else missing.push(`${s.node} at ${durable}`);
      if (held * 2 > voters.length) return;
    }
    this.fail({ invariant: 'EpochDurability', nodes: [leader], detail: `leader ${leader} established epoch ${epoch} while only ${held} of ${voters.length} voters had it as currentEpoch on disk (${missing.join(', ')})` });
  }

  /**
   * InitialHistoryDurability: a leader establishes its epoch once a quorum ACKed NEWLEADER, which a
   * learner does only with the synced history on disk; so what becomes committed then (the part of
   * the leader's history no earlier commit covered) is durable on a quorum of voters. ZOOKEEPER-3911
   * and 4646 ACKed with it in memory or unsynced.
   */
  private checkHistoryDurable(leader: NodeId, epoch: number, fresh: number[], cfg: PeerState['peer']['cfg']): void {
    if (fresh.length === 0) return;
    const voters = cfg.servers.filter((s) => s.role === 'participant');
    const holders = voters.map((s) => this.durableHolder(s.node));
    for (const key of fresh) {
      const z = { epoch: Math.floor(key / 4294967296), counter: key % 4294967296 };
      const missing = voters.filter((_, i) => !holders[i](z)).map((s) => s.node);
      if ((voters.length - missing.length) * 2 > voters.length) continue;
      this.fail({ invariant: 'InitialHistoryDurability', nodes: [leader, ...missing], detail: `leader ${leader} established epoch ${epoch}, committing its history up to ${formatZxid(z)}, while ${formatZxid(z)} was durable on only ${voters.length - missing.length} of ${voters.length} voters (not on ${missing.join(', ')})` });
      return;
    }
  }

  /** Whether a server's disk would boot holding a zxid (live: asked; down: its files read). */
  private durableHolder(node: NodeId): (z: Zxid) => boolean {
    const peer = (this.world.stateOf(node) as PeerState | undefined)?.peer;
    if (peer !== undefined) return (z) => peer.db.durablyHolds(z);
    const view = this.world.host(node).disk.view();
    const logged = new Set<number>();
    const records = view.readLog(TXN_LOG);
    // A damaged record may be the one asked about: count it held (the check must never cry wolf).
    if (records.some((r) => !r.ok)) return () => true;
    for (const r of records) if (r.ok) logged.add(zxidKey((r.data as { zxid: Zxid }).zxid));
    let newestSnapshot: Zxid | undefined;
    for (const f of view.files()) {
      if (!f.startsWith('snapshot.')) continue;
      const r = view.readFile(f);
      const z = r !== undefined && r.ok && r.data !== null ? (r.data as { zxid: Zxid }).zxid : undefined;
      if (z !== undefined && (newestSnapshot === undefined || compareZxid(z, newestSnapshot) > 0)) newestSnapshot = z;
    }
    return (z) => logged.has(zxidKey(z)) || (newestSnapshot !== undefined && compareZxid(newestSnapshot, z) >= 0);
  }

  /**
   * EpochHistory, at every boot: a server writes currentEpoch e only after the history NEWLEADER(e)
   * synced is on its disk, and that history holds every txn committed in an earlier epoch (a commit
   * needs a quorum, which overlaps the quorum that accepted e). So a server that boots with
   * currentEpoch e holds every txn committed in epochs below e. ZOOKEEPER-4643 wrote the epoch
   * first: a crash between the two writes boots a server that claims the epoch without its
   * history, and its vote (epoch before zxid) wins elections with it.
   */
  private checkBootHistory(node: NodeId, db: PeerState['peer']['db']): void {
    const epoch = db.currentEpoch;
    const base = db.snapshotZxid;
    let held: Set<number> | undefined;
    for (const z of this.committed) {
      if (z.epoch >= epoch) break; // committed in zxid order
      if (compareZxid(z, base) <= 0) continue;
      held ??= new Set(db.applied.filter((a) => a.gen === db.generation).map((a) => zxidKey(a.zxid)));
      if (held.has(zxidKey(z))) continue;
      this.fail({ invariant: 'EpochHistory', nodes: [node], detail: `${node} boots with currentEpoch ${epoch} but without ${formatZxid(z)}, committed in an earlier epoch (its log ends at ${formatZxid(db.lastLoggedZxid())})` });
      return;
    }
  }

  private deliver(z: Zxid): void {
    const key = zxidKey(z);
    if (this.deliveredKeys.has(key)) return;
    this.deliveredKeys.add(key);
    this.delivered.push(z);
  }

  /**
   * Whether the leader this learner follows holds `z` in its history. A leader can sync its
   * history and lose its role within one kernel event (a paused leader handling its backlog), so
   * the monitor may never see it past discovery to adopt that history; the learner applying it is
   * still delivering the new leader's initial history, which ZAB allows.
   */
  private fromLeaderHistory(learner: PeerState['peer'], z: Zxid): boolean {
    const sid = (learner.role as { leaderSid?: number }).leaderSid;
    const entry = sid === undefined ? undefined : learner.cfg.servers.find((s) => s.sid === sid);
    const leader = entry === undefined ? undefined : (this.world.stateOf(entry.node) as PeerState | undefined)?.peer;
    if (leader === undefined) return false;
    const key = zxidKey(z);
    return this.historyKeys(leader.db).includes(key);
  }

  /**
   * A leader's history: what its tree holds. A tree loaded from a snapshot holds txns no applied
   * entry of this incarnation shows; those of the snapshot's own epoch are exactly that epoch's
   * txns up to it (one leader issued them in order), and older ones came from an earlier
   * established leader's history, already counted.
   */
  private historyKeys(db: PeerState['peer']['db']): number[] {
    const keys: number[] = [];
    for (const a of db.applied) if (a.gen === db.generation) keys.push(zxidKey(a.zxid));
    const base = db.snapshotZxid;
    if (base.epoch > 0 || base.counter > 0) {
      for (const key of this.meaning.keys()) {
        if (Math.floor(key / 4294967296) === base.epoch && key % 4294967296 <= base.counter) keys.push(key);
      }
    }
    return keys;
  }

  /** How many times the monitor looked at the servers (0: it never ran, so it knows nothing). */
  get checksRun(): number {
    return this.checks;
  }

  /** Commits before the monitor started watching (there are none in a run it watches from boot). */
  private readonly firstWatched: Zxid = { epoch: 0, counter: 0 };

  private checkServes(node: NodeId, db: PeerState['peer']['db']): void {
    const base = db.snapshotZxid;
    for (const a of db.applied) {
      if (a.gen !== db.generation || compareZxid(a.zxid, base) <= 0 || this.deliverable.has(zxidKey(a.zxid))) continue;
      // A new leader's own history becomes committed as it starts (it was elected for holding it).
      const r = ((this.world.stateOf(node) as PeerState).peer.role as { kind: string }).kind;
      if (r === 'LEADING') continue;
      this.fail({ invariant: 'ProcessConsistency', nodes: [node], detail: `${node} serves clients with ${formatZxid(a.zxid)} ${JSON.stringify(a.body)} in its tree, which no leader committed` });
      return;
    }
  }

  /**
   * CommittedLogDurability / LeaderLogCompleteness: a newly established leader holds every
   * transaction committed before it — in its tree as now built (current generation), or inside the
   * snapshot it was built from (whose bodies Agreement cannot see, so those count as held).
   */
  private checkNewLeader(node: NodeId, epoch: number, db: PeerState['peer']['db']): void {
    const held = new Set<number>();
    for (const a of db.applied) if (a.gen === db.generation) held.add(zxidKey(a.zxid));
    const base = db.snapshotZxid;
    for (const z of this.committed) {
      // Only what earlier epochs committed: a leader whose epoch was overtaken (its NEWLEADER ACKs
      // arrived late, after a later epoch committed) is stale, not a durability failure; it cannot
      // commit anything more, since its followers have moved on (found by the lock property runs).
      if (z.epoch >= epoch || compareZxid(z, base) <= 0 || held.has(zxidKey(z))) continue;
      this.fail({ invariant: 'CommittedLogDurability', nodes: [node], detail: `leader ${node} of epoch ${epoch} lacks committed ${formatZxid(z)} (its tree is at ${formatZxid(db.lastProcessedZxid)})` });
      return;
    }
    // PrimaryIntegrity: what any learner delivered from an earlier epoch, the new primary holds too.
    for (const z of this.delivered) {
      if (z.epoch >= epoch || compareZxid(z, base) <= 0 || held.has(zxidKey(z))) continue;
      this.fail({ invariant: 'PrimaryIntegrity', nodes: [node], detail: `leader ${node} of epoch ${epoch} lacks ${formatZxid(z)}, which a learner delivered` });
      return;
    }
  }

  /**
   * HistoryConsistency, for the end of a run: a server following the established leader holds in
   * its log only transactions the leader also has (a stray uncommitted proposal would come back at
   * its next restart and be served to clients).
   */
  private checkHistories(): void {
    const peers = this.servers.map((n) => ({ node: n, peer: (this.world.stateOf(n) as PeerState | undefined)?.peer }));
    const leaders = peers.filter((x) => {
      const r = x.peer?.role as { kind: string; phase?: string } | undefined;
      return r?.kind === 'LEADING' && r.phase === 'BROADCAST';
    });
    if (leaders.length !== 1) return;
    const leader = leaders[0];
    const history = new Map<string, string>();
    for (const t of leader.peer!.db.log) history.set(formatZxid(t.zxid), JSON.stringify(t.body));
    const ldb = leader.peer!.db;
    for (const a of ldb.applied) if (a.gen === ldb.generation) history.set(formatZxid(a.zxid), JSON.stringify(a.body));
    const last = leader.peer!.db.lastProcessedZxid;
    // What the leader got inside a snapshot (SNAP sync) it has no transaction bodies for.
    const known = leader.peer!.db.snapshotZxid;
    const leaderTree = treeDigest(ldb.tree);
    // Session invariant: every ephemeral belongs to a live session (it vanishes only with its session's close).
    for (const [owner, paths] of ldb.tree.ephemerals) {
      if (paths.size > 0 && !ldb.sessions.has(owner)) {
        this.fail({ invariant: 'EphemeralOwnership', nodes: [leader.node], detail: `${[...paths].join(', ')} owned by ${owner}, a session the leader no longer has` });
      }
    }
    for (const { node, peer } of peers) {
      const r = peer?.role as { kind: string; phase?: string; leaderSid?: number } | undefined;
      if (peer === undefined || node === leader.node || r?.phase !== 'BROADCAST' || r.leaderSid !== leader.peer!.sid) continue;
      // Replicas at the same zxid hold the same tree (catches a sync that built the wrong state).
      if (compareZxid(peer.db.lastProcessedZxid, ldb.lastProcessedZxid) === 0 && treeDigest(peer.db.tree) !== leaderTree) {
        this.fail({ invariant: 'StateAgreement', nodes: [node, leader.node], detail: `${node} and leader ${leader.node} are both at ${formatZxid(ldb.lastProcessedZxid)} with different trees` });
      }
      // Entries at or below the follower's own snapshot are superseded by it: a restart never replays them.
      const own = peer.db.snapshotZxid;
      // CommitConsistency: what the follower applied (its current tree) is part of the leader's history, in order.
      let prev: Zxid | undefined;
      for (const a of peer.db.applied) {
        if (a.gen !== peer.db.generation || compareZxid(a.zxid, own) <= 0) continue;
        const body = history.get(formatZxid(a.zxid));
        const bad = (body === undefined && compareZxid(a.zxid, known) > 0) || (body !== undefined && body !== JSON.stringify(a.body)) || (prev !== undefined && compareZxid(a.zxid, prev) <= 0);
        if (bad) {
          this.fail({ invariant: 'CommitConsistency', nodes: [node, leader.node], detail: `${node} applied ${formatZxid(a.zxid)} ${JSON.stringify(a.body)}, not so in leader ${leader.node}'s history` });
          break;
        }
        prev = a.zxid;
      }
      for (const t of peer.db.log) {
        if (compareZxid(t.zxid, own) <= 0) continue;
        if (compareZxid(t.zxid, last) > 0) continue; // a proposal still in flight
        const body = history.get(formatZxid(t.zxid));
        if (body === undefined && compareZxid(t.zxid, known) <= 0) continue;
        if (body !== JSON.stringify(t.body)) {
          this.fail({ invariant: 'HistoryConsistency', nodes: [node, leader.node], detail: `${node}'s log holds ${formatZxid(t.zxid)} ${JSON.stringify(t.body)}, which leader ${leader.node} ${body === undefined ? 'never had' : 'has differently'}` });
          break;
        }
      }
    }
  }

  finish(): Verdict {
    this.check();
    this.checkHistories();
    if (this.violations.length > 0) {
      const v = this.violations[0];
      return {
        check: this.name,
        status: 'fail',
        summary: `${this.violations.length} violation(s); first: ${v.invariant} at ${v.at}`,
        violations: this.violations.map((x) => `${x.invariant} at ${x.at}${x.seq >= 0 ? ` (trace event ${x.seq})` : ''} (${x.nodes.join(', ')}): ${x.detail}`),
      };
    }
    return {
      check: this.name,
      status: 'pass',
      summary: `one leader per epoch (${this.leaders.size} epochs), ${this.meaning.size} zxids agreed and applied in order on every server (total, local and global primary order), ${this.committed.length} commits held by every later leader, learners applied and served only committed txns, primaries held what learners delivered${this.staleAckCommits > 0 ? `; ${this.staleAckCommits} commit(s) counted a learner's ACK from before its TRUNC, as ZooKeeper does (not yet on its disk again)` : ''}`,
      violations: [],
    };
  }
}

/** The tree's content (paths, data, versions, owners, children), for comparing replicas. */
function treeDigest(tree: PeerState['peer']['db']['tree']): string {
  const snap = tree.snapshot();
  return JSON.stringify(snap.nodes.map(([path, data, zx, , , version, creations, aversion, owner, children]) => [path, data, zx, version, creations, aversion, owner, [...children].sort()]).sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1)));
}

/** Replicas usually share the very object a proposal carried; compare contents only when not. */
function sameBody(a: TxnBody, b: TxnBody): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
