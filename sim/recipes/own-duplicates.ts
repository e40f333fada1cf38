/**
 * A create whose reply was lost may still be applied *after* the getChildren that looked for it
 * (the request can wait in a cut-off leader's pipeline): the guid check then misses it, the
 * contender creates again, and its own earlier node turns up later as an orphan ahead of it —
 * found by property runs (test/locks.property.test.ts). A late create of an *earlier* attempt
 * (whose guid is no longer the current one) can also surface after that attempt got the lock
 * through its retry and released it. So whenever a contender lists the lock's children it deletes
 * any other node carrying a guid this session used, and looks again once they are gone. Returns
 * false when there were none.
 */
import type { ZkClient } from '../client/zk-client.js';

export function deleteOwnDuplicates(zk: ZkClient, dir: string, children: readonly string[], guidPrefixes: Iterable<string>, mine: string, then: () => void): boolean {
  const prefixes = [...guidPrefixes];
  if (prefixes.length === 0) return false;
  const dupes = children.filter((c) => c !== mine && prefixes.some((p) => c.startsWith(p)));
  if (dupes.length === 0) return false;
  let left = dupes.length;
  for (const d of dupes) {
    zk.delete(`${dir}/${d}`, -1, () => {
      if (--left === 0) then();
    });
  }
  return true;
}
