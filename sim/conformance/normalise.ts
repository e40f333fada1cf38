/**
 * Turns a ZkClient reply into the golden files' normal form (../shared/formats/zk-ops.md §5):
 * zxids relative to the run's base, session ids replaced by session labels, children sorted.
 * The recorder (real server) and the replayer (simulator) both go through here, so the two sides
 * can only differ in what the servers answered.
 */
import type { MultiResult, Result, SessionId, Stat } from '../client/zk-client.js';
import { NO_OWNER } from '../client/zk-client.js';
import type { Zxid } from '../zk/zxid.js';
import type { GoldenResult, GoldenStat, NodeEntry, OpName } from './golden.js';

export interface NormaliseContext {
  /** The server's last zxid before op 0. */
  readonly baseZxid: Zxid;
  /** Session label of a session id, undefined for sessions not in the run. */
  labelOf(sessionId: SessionId): number | undefined;
}

/** raw − base, as one number (epochs differ only if the server restarted, which the format excludes). */
export function relativeZxid(z: Zxid, base: Zxid): number {
  return (z.epoch - base.epoch) * 2 ** 32 + (z.counter - base.counter);
}

export function normaliseStat(stat: Stat, ctx: NormaliseContext, issuer?: number): GoldenStat {
  const owner = stat.ephemeralOwner === NO_OWNER ? null : (ctx.labelOf(stat.ephemeralOwner) ?? -1);
  const out: GoldenStat = {
    czxid: Math.max(0, relativeZxid(stat.czxid, ctx.baseZxid)),
    mzxid: Math.max(0, relativeZxid(stat.mzxid, ctx.baseZxid)),
    pzxid: Math.max(0, relativeZxid(stat.pzxid, ctx.baseZxid)),
    version: stat.version,
    cversion: stat.cversion,
    aversion: stat.aversion,
    ephemeralOwner: owner,
    dataLength: stat.dataLength,
    numChildren: stat.numChildren,
  };
  if (issuer !== undefined) out.ephemeralOwnerIsSelf = owner !== null && owner === issuer;
  return out;
}

/** The normal form of one reply to `op` issued by session `issuer`. */
export function normaliseResult(op: OpName, result: Result<Record<string, unknown>>, ctx: NormaliseContext, issuer: number): GoldenResult {
  if (result.rc !== 'OK') return { rc: result.rc, code: result.code };
  const r = result as Record<string, unknown>;
  const stat = () => normaliseStat(r.stat as Stat, ctx, issuer);
  switch (op) {
    case 'open':
    case 'close':
    case 'delete':
      return { rc: 'OK' };
    case 'create':
      return { rc: 'OK', path: r.path as string };
    case 'setData':
    case 'exists':
      return { rc: 'OK', stat: stat() };
    case 'getData':
      return { rc: 'OK', data: r.data as string | null, stat: stat() };
    case 'getChildren':
      return { rc: 'OK', children: [...(r.children as string[])].sort(compareStrings), stat: stat() };
    case 'multi':
      return normaliseMulti(r as unknown as MultiResult, ctx, issuer);
  }
}

function normaliseMulti(m: MultiResult, ctx: NormaliseContext, issuer: number): GoldenResult {
  const results = m.results.map((s) => (s.type === 'setData' ? { type: s.type, rc: s.rc, stat: normaliseStat(s.stat, ctx, issuer) } : { ...s }));
  if (m.committed) return { rc: 'OK', results, committed: true };
  const failedIndex = m.results.findIndex((s) => s.type === 'error' && s.rc !== 'OK' && s.rc !== 'RUNTIME_INCONSISTENCY');
  const out: GoldenResult = { rc: 'OK', results, committed: false };
  if (failedIndex >= 0) {
    out.failedIndex = failedIndex;
    out.firstError = m.results[failedIndex].rc;
  }
  return out;
}

/** A tree entry as golden files store it (no ephemeralOwnerIsSelf). */
export function nodeEntry(path: string, data: string | null, stat: Stat, ctx: NormaliseContext): NodeEntry {
  return { path, data, stat: normaliseStat(stat, ctx) };
}

/** Plain UTF-16 code-unit order, which is Java's String.compareTo for the ASCII names used here. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
