import type { NodeId } from './node.js';

/** Orders ids like s1 < s2 < s10 (by prefix, then number); plain string order otherwise. */
export function compareNodeIds(a: NodeId, b: NodeId): number {
  const ma = /^(.*?)(\d+)$/.exec(a);
  const mb = /^(.*?)(\d+)$/.exec(b);
  if (ma !== null && mb !== null && ma[1] === mb[1]) return Number(ma[2]) - Number(mb[2]);
  return a < b ? -1 : a > b ? 1 : 0;
}
