/**
 * A create whose reply was lost may still be applied *after* the getChildren that looked for it
 * (the request can wait in a cut-off leader's pipeline): the guid check then misses it, the
 * contender creates again, and its own earlier node turns up later as an orphan ahead of it —
 * found by property runs (test/locks.property.test.ts). So whenever a contender lists the lock's
 * children it deletes any other node carrying its guid, and looks again once they are gone.
 * Returns false when there were none.
 */
import type { ZkClient } from '../client/zk-client.js';

export function deleteOwnDuplicates(zk: ZkClient, dir: string, children: readonly string[], guidPrefix: string, mine: string, then: () => void): boolean {
  if (guidPrefix === '') return false;
  const dupes = children.filter((c) => c !== mine && c.startsWith(guidPrefix));
  if (dupes.length === 0) return false;
  let left = dupes.length;
  for (const d of dupes) {
    zk.delete(`${dir}/${d}`, -1, () => {
      if (--left === 0) then();
    });
  }
  return true;
}
