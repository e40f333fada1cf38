/**
 * Liveness of an ensemble once the faults heal: within `settleTicks` after the last fault
 * activity, a leader is established, every running server follows it in BROADCAST, and (when the
 * scenario generates load) writes commit again. Judged only when the run ends healed with enough
 * quiet time; otherwise `unknown`, never `pass`. Reported apart from the safety invariants.
 */
import type { NodeId } from '../contract/node.js';
import type { TraceEvent } from '../kernel/trace/events.js';
import type { World } from '../world/world.js';
import type { PeerState } from '../zk/quorum/quorum-peer.js';
import type { Checker, Verdict } from './verdict.js';
import { processOf, type ClientNodeState } from '../client/client-node.js';

const FAULT_ACTIVITY = new Set(['fault', 'heal', 'crash', 'boot', 'pause', 'resume', 'clock']);

export class EnsembleLiveness implements Checker {
  readonly name = 'liveness';
  private quietFrom = 0;
  private end: Extract<TraceEvent, { kind: 'end' }> | undefined;
  private lastCommit = -1;
  /** When the servers last changed to the final configuration (a role change). */
  private lastRoleChange = 0;

  constructor(
    private readonly world: World<unknown, unknown>,
    private readonly servers: readonly NodeId[],
    private readonly settleTicks: number,
    private readonly expectCommits: boolean,
    /** Client processes: each must end connected with no request left hanging. */
    private readonly clients: readonly NodeId[] = [],
  ) {}

  /** Servers that exited on a protocol error of their own (not a disk fault), until they boot again. */
  private readonly exited = new Map<NodeId, { at: number; reason: string }>();

  onEvent(e: TraceEvent): void {
    if (e.kind === 'note') {
      const reason = (e.data as { exit?: string } | undefined)?.exit;
      if (reason !== undefined && !/^(disk |cannot start)/.test(reason)) this.exited.set(e.node, { at: e.at, reason });
    }
    if (e.kind === 'boot') this.exited.delete(e.node);
    if (FAULT_ACTIVITY.has(e.kind)) this.quietFrom = e.at;
    if (e.kind === 'role') this.lastRoleChange = e.at;
    if (e.kind === 'note' && (e.data as { zab?: string } | undefined)?.zab === 'commit') this.lastCommit = e.at;
    if (e.kind === 'end') this.end = e;
  }

  finish(): Verdict {
    const check = this.name;
    const end = this.end;
    if (end === undefined) return { check, status: 'unknown', summary: 'the trace has no end event', violations: [] };
    // A server that exited on a protocol error (not a fault) and stayed down: the service lost it.
    const exits = [...this.exited].map(([n, x]) => `${n} exited at ${x.at} (${x.reason}) and is still down`);
    const onlyExits = end.active.every((a) => [...this.exited.keys()].some((n) => a === `${n} process-down`));
    if (exits.length > 0 && onlyExits) return { check, status: 'fail', summary: `${exits.length} server(s) exited on a protocol error and never came back`, violations: exits };
    if (!end.healed) return { check, status: 'unknown', summary: `faults still active at the end (${end.active.join(', ')}); liveness not judged`, violations: [] };
    const deadline = this.quietFrom + this.settleTicks;
    // Judging needs time after the deadline: a run ending exactly there cannot show a commit after it.
    if (end.at <= deadline) {
      return { check, status: 'unknown', summary: `only ${end.at - this.quietFrom} quiet ticks after the last fault (at ${this.quietFrom}); need more than ${this.settleTicks} to judge`, violations: [] };
    }
    const problems: string[] = [];
    const roles = this.servers.map((n) => {
      const peer = (this.world.stateOf(n) as PeerState | undefined)?.peer;
      const r = peer?.role as { kind: string; phase?: string; leaderSid?: number } | undefined;
      return { node: n, sid: peer?.sid, kind: r?.kind ?? 'down', phase: r?.phase, leaderSid: r?.leaderSid };
    });
    const leaders = roles.filter((r) => r.kind === 'LEADING' && r.phase === 'BROADCAST');
    if (leaders.length !== 1) problems.push(`${leaders.length} established leaders at the end (${roles.map((r) => `${r.node} ${r.kind}${r.phase ? `/${r.phase}` : ''}`).join(', ')})`);
    else {
      for (const r of roles) {
        if (r === leaders[0] || r.kind === 'down') continue;
        if (!((r.kind === 'FOLLOWING' || r.kind === 'OBSERVING') && r.phase === 'BROADCAST' && r.leaderSid === leaders[0].sid)) {
          problems.push(`${r.node} is ${r.kind}${r.phase ? `/${r.phase}` : ''}, not serving with leader ${leaders[0].node}`);
        }
      }
    }
    for (const c of this.clients) {
      const proc = processOf(this.world.stateOf(c) as ClientNodeState | undefined);
      if (proc === undefined) continue; // a crashed client process
      const live = proc.handles.filter((h) => h.state !== 'EXPIRED' && h.state !== 'CLOSED');
      if (live.length === 0) problems.push(`${c} has no live session`);
      for (const h of live) {
        if (h.state !== 'CONNECTED') problems.push(`${c}'s session ${h.sessionId ?? '(new)'} is ${h.state}`);
        const oldest = h.oldestPendingAt;
        if (oldest !== undefined && oldest < deadline) problems.push(`${c} has a request hanging since ${oldest}`);
      }
    }
    if (this.lastRoleChange > deadline) problems.push(`roles still changing at ${this.lastRoleChange}, after the settle deadline ${deadline}`);
    if (this.expectCommits && this.lastCommit < deadline) problems.push(`no write committed after ${deadline} (last commit at ${this.lastCommit < 0 ? 'never' : this.lastCommit})`);
    if (problems.length > 0) return { check, status: 'fail', summary: `not serving ${this.settleTicks} ticks after the faults healed at ${this.quietFrom}`, violations: problems };
    return {
      check,
      status: 'pass',
      summary: `leader ${leaders[0].node} serving with every running server by ${deadline} (faults healed at ${this.quietFrom})${this.expectCommits ? `, writes committing (last at ${this.lastCommit})` : ''}${this.clients.length > 0 ? `, ${this.clients.length} client(s) connected with nothing hanging` : ''}`,
      violations: [],
    };
  }
}
