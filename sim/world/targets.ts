import type { NodeId } from '../contract/node.js';
import type { RandomStream } from '../kernel/rng.js';
import type { Target } from './fault-spec.js';
import { compareNodeIds } from '../contract/node-id.js';

export const TARGET_SYMBOLS = [
  'all',
  'random',
  'random-minority',
  'random-majority',
  'leader',
  'non-leader',
  'minority-with-leader',
  'majority-without-leader',
] as const;

/** Roles a protocol may report for its leader. */
const LEADER_ROLES = new Set(['leader', 'LEADING', 'leading']);

export interface TargetWorld {
  /** Every node id, sorted. */
  nodes: readonly NodeId[];
  /** The nodes symbolic targets choose among (the servers); default: `nodes`. */
  targetNodes?: readonly NodeId[];
  isUp(node: NodeId): boolean;
  role(node: NodeId): string | undefined;
}

/**
 * Which nodes a symbolic target picks from: `up` for faults that need a running node (crash,
 * pause), `down` for restart, `all` for network faults.
 */
export type TargetPool = 'all' | 'up' | 'down';

/** Resolves a target to a sorted list of node ids, drawing from the fault injector's stream. */
export function resolveTarget(target: Target, world: TargetWorld, pool: TargetPool, rng: RandomStream): NodeId[] {
  if (Array.isArray(target)) return unique(target.flatMap((t) => resolveTarget(t, world, pool, rng)));
  const pickable = world.targetNodes ?? world.nodes;
  const n = pickable.length;
  const candidates = pickable.filter((id) => (pool === 'all' ? true : pool === 'up' ? world.isUp(id) : !world.isUp(id)));
  const leaders = pickable.filter((id) => world.isUp(id) && LEADER_ROLES.has(world.role(id) ?? ''));
  const minority = Math.max(1, Math.floor((n - 1) / 2));
  const majority = Math.floor(n / 2) + 1;
  switch (target) {
    case 'all':
      return candidates;
    case 'random':
      return candidates.length === 0 ? [] : [rng.pick(candidates)];
    case 'random-minority':
      return sorted(rng.shuffle(candidates).slice(0, minority));
    case 'random-majority':
      return sorted(rng.shuffle(candidates).slice(0, majority));
    case 'leader':
      return leaders.filter((id) => candidates.includes(id));
    case 'non-leader': {
      const others = candidates.filter((id) => !leaders.includes(id));
      return others.length === 0 ? [] : [rng.pick(others)];
    }
    case 'minority-with-leader': {
      const leader = leaders.find((id) => candidates.includes(id));
      if (leader === undefined) return [];
      const others = rng.shuffle(candidates.filter((id) => !leaders.includes(id)));
      return sorted([leader, ...others.slice(0, minority - 1)]);
    }
    case 'majority-without-leader': {
      const others = rng.shuffle(candidates.filter((id) => !leaders.includes(id)));
      return sorted(others.slice(0, majority));
    }
    default:
      if (!world.nodes.includes(target)) throw new Error(`unknown node or target "${target}"`);
      return [target];
  }
}

function unique(ids: NodeId[]): NodeId[] {
  return sorted([...new Set(ids)]);
}

function sorted(ids: NodeId[]): NodeId[] {
  return ids.slice().sort(compareNodeIds);
}
