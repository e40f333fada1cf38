/**
 * `zkVersion`: a ZooKeeper release, turned into the behaviour switches of the bugs it shipped
 * (known-bugs.ts). The model covers releases from 3.3.0 on; anything newer than the last known
 * fix behaves as today.
 */
import { KNOWN_BUGS, type LegacyId } from './known-bugs.js';

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

/** The oldest release the switches describe. */
export const OLDEST_MODELLED = '3.3.0';
/** Releases with none of the switches on (the default model). */
export const CURRENT_VERSION = '3.9.3';

export type Version = readonly [number, number, number];

const OLDEST: Version = [3, 3, 0];

/** A release number, or a message naming what is wrong with it. */
export function parseVersion(text: string): Version | string {
  if (text === 'latest') return parseVersion(CURRENT_VERSION);
  const m = VERSION.exec(text);
  if (m === null) return `"${text}" is not a release number; write it as MAJOR.MINOR.PATCH, for example 3.4.10 (or "latest")`;
  const v = [Number(m[1]), Number(m[2]), Number(m[3])] as const;
  if (compareVersions(v, OLDEST) < 0) return `${text} is older than ${OLDEST_MODELLED}, the oldest release zksim models`;
  return v;
}

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** The switches a release turns on, in catalog order (caveats are in every release and the default). */
export function legacyForVersion(text: string): LegacyId[] {
  const v = parseVersion(text);
  if (typeof v === 'string') throw new Error(v);
  const out: LegacyId[] = [];
  for (const bug of KNOWN_BUGS) {
    if ('caveat' in bug) continue;
    const hit = bug.affects.some(([from, to]) => compareVersions(v, parseVersion(from) as Version) >= 0 && compareVersions(v, parseVersion(to) as Version) <= 0);
    if (hit) out.push(bug.jira);
  }
  return out;
}

/**
 * The switches a scenario asks for: those of its `zkVersion` plus any named one by one, sorted
 * so the trace header is the same however they were listed.
 */
export function resolveLegacy(zkVersion: string | undefined, legacy: readonly LegacyId[] | undefined): LegacyId[] {
  const all = new Set<LegacyId>([...(zkVersion === undefined ? [] : legacyForVersion(zkVersion)), ...(legacy ?? [])]);
  return [...all].sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]));
}
