/**
 * The seed space of a sweep and how shards split it. Seeds are integers `start … start+runs-1`;
 * shard k of n (1-based) takes every n-th of them, starting with the k-th, so the shards are
 * disjoint, cover the sweep exactly, and each gets a fair mix of early and late seeds.
 */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (m === null) throw new Error(`expected k/n, e.g. 1/4 (got "${text}")`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new Error(`shard ${text}: k must be between 1 and n, and n at least 1`);
  return { index, count };
}

export function shardSeeds(start: number, runs: number, shard: Shard | undefined): number[] {
  const out: number[] = [];
  const n = shard?.count ?? 1;
  const first = (shard?.index ?? 1) - 1;
  for (let i = first; i < runs; i += n) out.push(start + i);
  return out;
}
