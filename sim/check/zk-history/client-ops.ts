/**
 * The client history of a run, read from the trace: the workload notes every op when it is called
 * and when it is answered (sim/workload/client-workload.ts), each on the kernel's clock, and the
 * leader's PROPOSAL and commit of every closeSession tell when a session's ephemerals went. Both
 * checkers of client behaviour (linearizability, session guarantees) read this one record.
 */
import type { TraceEvent } from '../../kernel/trace/events.js';
import type { ClientOpNote } from '../../workload/client-workload.js';
import { formatZxid, type Zxid } from '../../zk/zxid.js';

/** One client op: what its notes said (client-workload.ts), when it was called and answered. */
export interface ZkClientOp extends Omit<ClientOpNote, 'phase'> {
  process: string;
  /** Kernel time of the call, and of the answer (undefined: never answered). */
  call: number;
  return?: number;
  /** Trace seq of the answer, for messages and for ordering answers at one instant. */
  returnSeq?: number;
}

/** A closeSession transaction: proposed at `call`, committed by its leader at `return` (if seen). */
export interface SessionClose {
  session: string;
  zxid: string;
  call: number;
  return?: number;
}

export class ClientHistoryRecorder {
  readonly ops: ZkClientOp[] = [];
  readonly closes: SessionClose[] = [];
  private readonly open = new Map<string, ZkClientOp>();
  private readonly closeByZxid = new Map<string, SessionClose>();
  /** The last event's time: the end of the run once the trace is over. */
  end = 0;

  onEvent(e: TraceEvent): void {
    this.end = e.at;
    if (e.kind === 'note') {
      const data = e.data as { client?: ClientOpNote; zab?: string; zxid?: Zxid } | undefined;
      if (data?.client !== undefined && typeof data.client.phase === 'string') this.onClientNote(e.node, e.at, e.seq, data.client);
      else if (data?.zab === 'commit' && data.zxid !== undefined) {
        const c = this.closeByZxid.get(formatZxid(data.zxid));
        if (c !== undefined && c.return === undefined) c.return = e.at;
      }
    } else if (e.kind === 'send') {
      const msg = e.msg as { t?: string; txn?: { zxid: Zxid; body: { type: string; sessionId?: string } } } | undefined;
      if (msg?.t === 'PROPOSAL' && msg.txn?.body.type === 'closeSession') {
        const zxid = formatZxid(msg.txn.zxid);
        if (!this.closeByZxid.has(zxid)) {
          const c: SessionClose = { session: msg.txn.body.sessionId!, zxid, call: e.at };
          this.closeByZxid.set(zxid, c);
          this.closes.push(c);
        }
      }
    } else if (e.kind === 'boot') {
      // A restarted client process starts its op ids again; what it had in flight stays unanswered.
      for (const key of [...this.open.keys()]) if (key.startsWith(`${e.node}#`)) this.open.delete(key);
    }
  }

  private onClientNote(node: string, at: number, seq: number, n: ClientOpNote): void {
    const key = `${node}#${n.id}`;
    if (n.phase === 'invoke') {
      const op: ZkClientOp = { process: node, id: n.id, op: n.op, path: n.path, call: at, ...(n.value !== undefined ? { value: n.value } : {}), ...(n.session !== undefined ? { session: n.session } : {}) };
      this.open.set(key, op);
      this.ops.push(op);
      return;
    }
    const op = this.open.get(key);
    if (op === undefined) return;
    this.open.delete(key);
    Object.assign(op, { return: at, returnSeq: seq, rc: n.rc, outcome: n.outcome, session: n.session ?? op.session });
    if (n.zxid !== undefined) op.zxid = n.zxid;
    if (n.data !== undefined) op.data = n.data;
    if (n.version !== undefined) op.version = n.version;
  }
}
