/**
 * Durability of acknowledged writes: a write whose success reply reached its client
 *
 * - is in the committed history, under the zxid the reply carried, as the transaction the client
 *   asked for (its session and xid, its operation and path, the name it was told);
 * - is held by every leader established after the reply (never lost across later epochs);
 * - is held, at the end, by the established leader and every server synced with it.
 */
import { clip, Findings, fmtKey, short, where, type Ref, type TraceCheckVerdict } from './common.js';
import type { ClientConn, SentRequest } from './clients.js';
import type { FinishedTrace, TraceCheck } from './model.js';
import type { ClientRequest, ServerToClient } from './payloads.js';
import type { Establishment } from './replicas.js';
import type { TxnRecord } from './txn-catalog.js';
import type { SubTxn, TxnBody } from '../../zk/txn.js';

interface Ack {
  client: string;
  server: string;
  session: string | undefined;
  xid: number;
  req: ClientRequest;
  key: number;
  /** The created name, for a create. */
  path: string | undefined;
  ref: Ref;
}

const WRITES = new Set(['create', 'delete', 'setData', 'multi', 'closeSession']);

function describe(a: Ack): string {
  const what = a.req.op === 'multi' ? `multi of ${a.req.ops?.length ?? 0} op(s)` : a.req.op === 'closeSession' ? 'closeSession' : `${a.req.op} ${a.path ?? a.req.path}`;
  return `${what} acknowledged to ${a.client} (session ${a.session ?? '?'}, xid ${a.xid}) by ${a.server} ${where(a.ref)} as ${fmtKey(a.key)}`;
}

export class AckedDurability implements TraceCheck {
  readonly name = 'acked-durability';
  private readonly findings = new Findings(this.name);
  private readonly acks: Ack[] = [];
  private laterLeaders = 0;

  clientReceived(c: ClientConn, m: ServerToClient, req: SentRequest | undefined, ref: Ref): void {
    if (m.t !== 'reply' || m.rc !== 'OK' || req === undefined || !WRITES.has(req.req.op)) return;
    // An aborted multi is answered OK with committed: false; nothing of it was written.
    if (req.req.op === 'multi' && m.body?.committed === false) return;
    const path = typeof m.body?.path === 'string' ? m.body.path : undefined;
    this.acks.push({ client: c.client, server: c.server, session: c.session, xid: req.xid, req: req.req, key: m.zxid, path, ref });
  }

  established(e: Establishment): void {
    if (!e.first || this.acks.length === 0) return;
    this.laterLeaders++;
    for (const a of this.acks) {
      if (e.held.has(a.key)) continue;
      this.findings.add(e.ref, [e.node, a.server], `${e.node} established epoch ${e.epoch} ${where(e.ref)} without ${fmtKey(a.key)}, the ${describe(a)}: an acknowledged write was lost`, { zxid: a.key, epoch: e.epoch });
    }
  }

  finish(t: FinishedTrace): TraceCheckVerdict {
    const f = this.findings;
    for (const a of this.acks) {
      const txn = t.catalog.get(a.key);
      if (!t.committed.has(a.key)) {
        const seen = txn === undefined ? 'no server ever sent a transaction with that zxid' : `${txn.from} proposed ${clip(txn.json, 80)} ${where(txn.ref)}, but no leader committed it`;
        f.add(a.ref, [a.client, a.server], `the ${describe(a)} is not in the committed history: ${seen}`, { zxid: a.key });
        continue;
      }
      if (txn === undefined) continue; // committed inside an initial history whose body never travelled
      const wrong = mismatch(a, txn);
      if (wrong !== undefined) f.add(a.ref, [a.client, a.server], `the ${describe(a)} does not match the committed ${fmtKey(a.key)} ${clip(txn.json, 100)}: ${wrong}`, { zxid: a.key });
    }
    const holders = finalHolders(t);
    if (holders !== undefined) {
      for (const s of holders.servers) {
        for (const a of this.acks) {
          if (s.held.has(a.key) || !t.committed.has(a.key)) continue;
          f.add(t.end ?? t.last, [s.node, a.client], `at the end ${s.node} (${s.node === holders.leader ? 'the leader' : `in sync with leader ${holders.leader}`}) lacks the ${describe(a)}`, { zxid: a.key });
        }
      }
    }
    const end = holders === undefined ? 'no leader established at the end, so the end state was not checked' : `held at the end by leader ${holders.leader} and ${holders.servers.length - 1} server(s) in sync with it`;
    if (this.acks.length === 0) return f.verdict('no acknowledged writes: nothing to check', 'violation(s) of durability of acknowledged writes');
    return f.verdict(
      `${this.acks.length} acknowledged write(s): each committed as the client asked, held by every leader established after it (${this.laterLeaders} leader(s)), ${end}`,
      'violation(s) of durability of acknowledged writes',
    );
  }
}

/** The established leader at the end and the running servers in broadcast with it. */
function finalHolders(t: FinishedTrace): { leader: string; servers: { node: string; held: ReadonlySet<number> }[] } | undefined {
  const servers = [...t.replicas.servers.values()];
  const leaders = servers.filter((s) => s.up && s.established !== undefined);
  if (leaders.length === 0) return undefined;
  const leader = leaders.reduce((a, b) => (b.established! > a.established! ? b : a));
  const synced = servers.filter((s) => s.up && s.learner !== undefined && s.learner.phase === 'BROADCAST' && s.learner.leader === leader.node);
  return { leader: leader.node, servers: [leader, ...synced] };
}

/** Why the committed transaction is not the write the client was told succeeded (undefined: it is). */
function mismatch(a: Ack, txn: TxnRecord): string | undefined {
  if (a.session !== undefined && txn.sessionId !== a.session) return `it came from session ${txn.sessionId}`;
  if (txn.cxid !== undefined && txn.cxid !== a.xid) return `it answers xid ${txn.cxid}`;
  const b = txn.body;
  const req = a.req;
  if (req.op === 'closeSession') return b.type === 'closeSession' && (a.session === undefined || b.sessionId === a.session) ? undefined : `it is not this session's closeSession`;
  if (req.op === 'multi') {
    if (b.type !== 'multi') return `it is a ${b.type}, not a multi`;
    const ops = req.ops ?? [];
    if (b.txns.length !== ops.length) return `it has ${b.txns.length} op(s), the request ${ops.length}`;
    for (let i = 0; i < ops.length; i++) {
      const why = subMismatch({ op: ops[i].op, path: ops[i].path, data: ops[i].data, mode: ops[i].mode }, b.txns[i], undefined);
      if (why !== undefined) return `op ${i}: ${why}`;
    }
    return undefined;
  }
  if (b.type === 'multi' || b.type === 'createSession' || b.type === 'closeSession' || b.type === 'deleteContainer') return `it is a ${b.type}, not a ${req.op}`;
  return subMismatch(req, b, a.path);
}

function subMismatch(req: ClientRequest, b: SubTxn | TxnBody, told: string | undefined): string | undefined {
  if (b.type !== req.op) return `it is a ${b.type}${b.type === 'error' ? ` (${(b as { rc: string }).rc})` : ''}, not a ${req.op}`;
  const path = (b as { path: string }).path;
  if (req.op === 'create') {
    const sequential = req.mode?.includes('SEQUENTIAL') === true;
    if (told !== undefined && told !== path) return `it created ${path}, the client was told ${told}`;
    if (sequential ? !path.startsWith(req.path ?? '') : path !== req.path) return `it created ${path}, the client asked for ${req.path}${sequential ? ' (sequential)' : ''}`;
    return undefined;
  }
  if (path !== req.path) return `it is on ${path}, the client asked for ${req.path}`;
  if (req.op === 'setData' && JSON.stringify((b as { data: unknown }).data) !== JSON.stringify(req.data)) return `it wrote ${short((b as { data: unknown }).data, 40)}, the client asked for ${short(req.data, 40)}`;
  return undefined;
}
