/**
 * Ephemerals vanish exactly with their session. Along the committed history:
 *
 * - a session's closeSession (close or expiry) deletes exactly the ephemerals it owns then: none
 *   of another session's (nor anything that is not a live ephemeral of its own), and none of its
 *   own is left behind to outlive it;
 * - no ephemeral is created for a session that is closed or was never created.
 *
 * An ephemeral may still be deleted explicitly by any client before that.
 */
import { Findings, fmtKey, where, type Ref, type TraceCheckVerdict } from './common.js';
import type { FinishedTrace, TraceCheck } from './model.js';
import type { SubTxn } from '../../zk/txn.js';

const NO_OWNER = '0x0000000000000000';
const CONTAINER_OWNER = '0x8000000000000000';

/** A session's ephemeral, not a persistent, container or TTL node. */
function isSessionOwner(owner: string): boolean {
  return owner !== NO_OWNER && owner !== CONTAINER_OWNER && !owner.startsWith('0xff0000');
}

interface Live {
  owner: string;
  key: number;
}

export class Ephemerals implements TraceCheck {
  readonly name = 'ephemerals';
  private readonly findings = new Findings(this.name);

  finish(t: FinishedTrace): TraceCheckVerdict {
    const f = this.findings;
    const live = new Map<string, Live>();
    const byOwner = new Map<string, Set<string>>();
    /** Session → the zxid that closed it (undefined: open). */
    const sessions = new Map<string, number | undefined>();
    let created = 0;
    let closes = 0;
    const refOf = (key: number): Ref => t.replicas.committed.get(key)?.ref ?? t.last;
    const who = (...sessions: string[]): string[] => sessions.map((s) => t.clients.clientOf(s)).filter((c): c is string => c !== undefined);
    const named = (session: string): string => {
      const c = t.clients.clientOf(session);
      return c === undefined ? session : `${session} (${c})`;
    };
    const remove = (path: string): void => {
      const e = live.get(path);
      if (e === undefined) return;
      live.delete(path);
      byOwner.get(e.owner)?.delete(path);
    };
    for (const key of t.history) {
      const txn = t.catalog.get(key);
      if (txn === undefined) continue;
      const b = txn.body;
      if (b.type === 'createSession') {
        sessions.set(b.sessionId, undefined);
        continue;
      }
      if (b.type === 'closeSession') {
        closes++;
        const ref = refOf(key);
        const own = byOwner.get(b.sessionId) ?? new Set<string>();
        for (const path of b.paths) {
          const e = live.get(path);
          if (e === undefined) f.add(ref, who(b.sessionId), `closeSession of ${named(b.sessionId)} (${fmtKey(key)}, committed ${where(ref)}) deletes ${path}, which is not a live ephemeral`, { zxid: key });
          else if (e.owner !== b.sessionId) f.add(ref, who(b.sessionId, e.owner), `closeSession of ${named(b.sessionId)} (${fmtKey(key)}, committed ${where(ref)}) deletes ${path}, an ephemeral of another session, ${named(e.owner)} (created by ${fmtKey(e.key)})`, { zxid: key });
        }
        const listed = new Set(b.paths);
        for (const path of own) {
          if (!listed.has(path)) f.add(ref, who(b.sessionId), `${path}, an ephemeral of ${named(b.sessionId)} (created by ${fmtKey(live.get(path)!.key)}), outlives its session: its closeSession ${fmtKey(key)} (committed ${where(ref)}) does not delete it`, { zxid: key });
        }
        for (const path of b.paths) remove(path);
        sessions.set(b.sessionId, key);
        continue;
      }
      const subs: SubTxn[] = b.type === 'multi' ? (b.txns.some((s) => s.type === 'error') ? [] : b.txns) : b.type === 'deleteContainer' ? [{ type: 'delete', path: b.path }] : [b];
      for (const s of subs) {
        if (s.type === 'delete') remove(s.path);
        if (s.type !== 'create' || !isSessionOwner(s.owner)) continue;
        created++;
        const state = sessions.get(s.owner);
        if (state !== undefined || !sessions.has(s.owner)) {
          const ref = refOf(key);
          const why = state === undefined ? 'a session that was never created' : `a session closed by ${fmtKey(state)}`;
          f.add(ref, who(s.owner), `${fmtKey(key)} (committed ${where(ref)}) creates ephemeral ${s.path} for ${named(s.owner)}, ${why}`, { zxid: key });
        }
        live.set(s.path, { owner: s.owner, key });
        let set = byOwner.get(s.owner);
        if (set === undefined) byOwner.set(s.owner, (set = new Set()));
        set.add(s.path);
      }
    }
    return f.verdict(
      created === 0 && closes === 0
        ? 'no ephemerals and no session closes committed: nothing to check'
        : `${created} ephemeral(s) created, ${sessions.size} session(s), ${closes} closed: each close deleted exactly its session's ephemerals, none was created for a closed session (${live.size} left, of live sessions)`,
      'violation(s) of ephemeral ownership',
    );
  }
}
