/**
 * One pass over a trace: messages are remembered from `send` to `deliver` (a deliver event names
 * only the message), and each event is handed to the replica model, the client model and the
 * transaction catalog, which tell the checks what happened. Only quorum- and client-port messages
 * in flight are kept, so memory grows with the history, not with the trace.
 */
import type { TraceEvent } from '../../kernel/trace/events.js';
import { zkey, type Ref, type TraceCheckVerdict } from './common.js';
import { ClientModel, type ClientListener } from './clients.js';
import { checkEventFields, FieldReader, type Obj } from './input.js';
import { readClientToServer, readQuorumPayload, readServerToClient, type QuorumPayload, type ServerToClient } from './payloads.js';
import { ReplicaModel, type ReplicaListener } from './replicas.js';
import { TxnCatalog, type TxnRecord } from './txn-catalog.js';

/** What a check sees of the whole trace once it has been read. */
export interface FinishedTrace {
  events: number;
  /** The last event read, and the `end` event if the trace has one (a cut trace does not). */
  last: Ref;
  end: Ref | undefined;
  /** The trace shows ZooKeeper servers at work (ZAB notes); otherwise there is nothing to check. */
  zookeeper: boolean;
  catalog: TxnCatalog;
  replicas: ReplicaModel;
  clients: ClientModel;
  /** Committed zxids, in order. */
  history: number[];
  committed: ReadonlySet<number>;
}

export interface TraceCheck extends ReplicaListener, ClientListener {
  readonly name: string;
  /** A zxid shows up for the first time (its first PROPOSAL or INFORM). */
  txnSeen?(rec: TxnRecord): void;
  finish(trace: FinishedTrace): TraceCheckVerdict;
}

type InFlight =
  | { port: 'quorum'; from: string; to: string; conn: number | undefined; pk: QuorumPayload; snap: Set<number> | undefined }
  | { port: 'client'; from: string; to: string; conn: number; m: ServerToClient };

export class TraceModel {
  readonly catalog = new TxnCatalog();
  readonly replicas: ReplicaModel;
  readonly clients: ClientModel;
  private readonly inFlight = new Map<number, InFlight>();
  private count = 0;
  private last: Ref = { seq: -1, at: 0 };
  private end: Ref | undefined;
  private zookeeper = false;

  constructor(private readonly checks: readonly TraceCheck[]) {
    this.replicas = new ReplicaModel([...checks]);
    this.clients = new ClientModel([...checks]);
  }

  /** `line` is where the event sits in its file (for error messages). */
  onEvent(e: TraceEvent, line: number): void {
    checkEventFields(e, line);
    const ref: Ref = { seq: e.seq, at: e.at };
    this.count++;
    this.last = ref;
    switch (e.kind) {
      case 'send':
        return this.onSend(e, new FieldReader(line), ref);
      case 'deliver': {
        const m = this.inFlight.get(e.msgId);
        if (m === undefined) return;
        this.inFlight.delete(e.msgId);
        if (m.port === 'quorum') this.replicas.delivered(e.to, m.from, m.conn, m.pk, m.snap, ref);
        else this.clients.delivered(m.conn, e.to, m.from, m.m, ref);
        return;
      }
      case 'drop':
        this.inFlight.delete(e.msgId);
        return;
      case 'note':
        return this.onNote(e, new FieldReader(line), ref);
      case 'crash':
        if (this.replicas.servers.has(e.node)) this.replicas.crashed(e.node);
        this.clients.crashed(e.node, ref);
        return;
      case 'connect':
        if (e.port === 'client') this.clients.connected(e.conn, e.from, e.to);
        return;
      case 'close':
        this.clients.closed(e.conn, e.node, ref);
        return;
      case 'end':
        this.end = ref;
        return;
      default:
        return;
    }
  }

  private onSend(e: Extract<TraceEvent, { kind: 'send' }>, r: FieldReader, ref: Ref): void {
    if (e.port !== 'quorum' && e.port !== 'client') return;
    const msg = r.obj(e as unknown as Obj, 'msg', 'msg');
    if (e.port === 'quorum') {
      const pk = readQuorumPayload(r, msg);
      if (pk.t === 'PROPOSAL' || pk.t === 'INFORM') {
        const fresh = this.catalog.get(pk.txn.key) === undefined;
        const rec = this.catalog.record(pk.txn, e.from, e.to, ref);
        if (fresh) for (const c of this.checks) c.txnSeen?.(rec);
      }
      const snap = this.replicas.sent(e.from, e.to, e.conn, pk);
      this.inFlight.set(e.msgId, { port: 'quorum', from: e.from, to: e.to, conn: e.conn, pk, snap });
      return;
    }
    if (e.conn === undefined) return;
    const t = msg.t;
    if (t === 'request' || t === 'connect' || t === 'ping') {
      this.clients.sentByClient(e.conn, e.from, e.to, readClientToServer(r, msg), ref);
      return;
    }
    const m = readServerToClient(r, msg);
    this.clients.sentByServer(e.conn, e.from, e.to, m);
    this.inFlight.set(e.msgId, { port: 'client', from: e.from, to: e.to, conn: e.conn, m });
  }

  private onNote(e: Extract<TraceEvent, { kind: 'note' }>, r: FieldReader, ref: Ref): void {
    const data = e.data as Obj | undefined;
    if (data === undefined || typeof data.zab !== 'string') return;
    this.zookeeper = true;
    switch (data.zab) {
      case 'boot':
        return this.replicas.booted(e.node, zkey(r.zxid(data, 'zxid', 'data.zxid')));
      case 'looking':
        return this.replicas.looking(e.node);
      case 'established':
        return this.replicas.establishedNote(e.node, r.int(data, 'epoch', 'data.epoch'), ref);
      case 'commit':
        return this.replicas.commitNote(e.node, zkey(r.zxid(data, 'zxid', 'data.zxid')), ref);
      default:
        return;
    }
  }

  finish(): FinishedTrace {
    const committed = new Set(this.replicas.committed.keys());
    const history = [...committed].sort((a, b) => a - b);
    return {
      events: this.count,
      last: this.last,
      end: this.end,
      zookeeper: this.zookeeper,
      catalog: this.catalog,
      replicas: this.replicas,
      clients: this.clients,
      history,
      committed,
    };
  }
}
