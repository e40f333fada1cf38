/**
 * Sequential znode names: the 10-digit suffix the leader gives a sequential create counts the
 * parent's child creations, so along the committed history the numbers under one parent are
 * unique and strictly increasing (until the parent itself is deleted; a new parent starts again).
 * Which creates were sequential is read from the client's request (the transaction carries only
 * the final name), found through the transaction's session and cxid.
 */
import { Findings, fmtKey, parentPath, where, type Ref, type TraceCheckVerdict } from './common.js';
import type { FinishedTrace, TraceCheck } from './model.js';
import type { SubTxn } from '../../zk/txn.js';

const INT32_MAX = 2147483647;

interface Last {
  n: number;
  path: string;
  key: number;
  client: string;
  ref: Ref;
}

export class SequentialNames implements TraceCheck {
  readonly name = 'sequential-names';
  private readonly findings = new Findings(this.name);

  finish(t: FinishedTrace): TraceCheckVerdict {
    const f = this.findings;
    const last = new Map<string, Last>();
    const parents = new Set<string>();
    let count = 0;
    for (const key of t.history) {
      const txn = t.catalog.get(key);
      if (txn === undefined) continue;
      const b = txn.body;
      const subs: SubTxn[] = b.type === 'multi' ? (b.txns.some((s) => s.type === 'error') ? [] : b.txns) : b.type === 'closeSession' ? b.paths.map((p) => ({ type: 'delete', path: p })) : b.type === 'deleteContainer' ? [{ type: 'delete', path: b.path }] : b.type === 'createSession' ? [] : [b];
      const request = t.clients.writeRequest(txn.sessionId, txn.cxid);
      subs.forEach((s, i) => {
        if (s.type === 'delete') {
          // A deleted parent takes its counter with it.
          last.delete(s.path);
          return;
        }
        if (s.type !== 'create' || request === undefined) return;
        const asked = b.type === 'multi' ? request.req.ops?.[i] : request.req;
        if (asked?.op !== 'create' || asked.mode?.includes('SEQUENTIAL') !== true) return;
        count++;
        // Where it became committed: the leader's commit, or the initial history it belongs to.
        const ref = t.replicas.committed.get(key)?.ref ?? request.ref;
        const suffix = s.path.slice((asked.path ?? '').length);
        if (!s.path.startsWith(asked.path ?? '') || !/^-?\d{10}$/.test(suffix)) {
          f.add(ref, [request.client], `${fmtKey(key)}, committed ${where(ref)}, created ${s.path} for ${request.client}'s sequential create of ${asked.path} (sent ${where(request.ref)}): not the path plus a 10-digit counter`, { zxid: key });
          return;
        }
        const n = Number(suffix);
        const parent = parentPath(s.path);
        parents.add(parent);
        const prev = last.get(parent);
        // The counter is a signed 32-bit int: past INT32_MAX it goes on from INT32_MIN.
        const wrapped = prev !== undefined && n < 0 && prev.n > INT32_MAX - 1_000_000;
        if (prev !== undefined && n <= prev.n && !wrapped) {
          const dup = n === prev.n;
          f.add(ref, [prev.client, request.client], `${dup ? 'duplicate sequence number' : 'sequence number goes back'} under ${parent}: ${fmtKey(key)} (committed ${where(ref)}) created ${s.path} for ${request.client}, after ${fmtKey(prev.key)} (committed ${where(prev.ref)}) created ${prev.path} for ${prev.client}`, { zxid: key });
        }
        last.set(parent, { n, path: s.path, key, client: request.client, ref });
      });
    }
    return f.verdict(
      count === 0 ? 'no sequential creates committed: nothing to check' : `${count} sequential create(s) committed under ${parents.size} parent(s): numbers unique per parent and increasing in zxid order`,
      'violation(s) of sequential naming',
    );
  }
}
