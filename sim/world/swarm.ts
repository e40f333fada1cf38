import type { NodeId } from '../contract/node.js';
import type { RandomStream } from '../kernel/rng.js';
import { FAULT_KINDS, type FaultKind, type FaultSpec } from './fault-spec.js';

export interface SwarmOptions {
  nodes: readonly NodeId[];
  durationTicks: number;
  /** Faults start and end before durationTicks - quietTicks; the rest of the run is quiet. */
  quietTicks: number;
  /** Kinds to choose from; each is switched on or off per seed. */
  kinds: readonly FaultKind[];
  maxPerKind: number;
  /** The protocol reports a leader role, so `leader` / `non-leader` targets make sense. */
  hasLeader: boolean;
}

/** Every kind the swarm may use; `heal` and `restart` are implied by durations. */
export const SWARM_KINDS: readonly FaultKind[] = FAULT_KINDS.filter((k) => k !== 'heal' && k !== 'restart');

/**
 * Swarm testing (as in TigerBeetle's VOPR): each seed switches every fault kind on or off and
 * picks how often each strikes, so some seeds hammer one kind and others mix many. The result is
 * an ordinary scripted fault list (recorded in the trace header), so a failing seed's faults can
 * be replayed, edited and shrunk like any scenario.
 */
export function generateSwarm(rng: RandomStream, o: SwarmOptions): FaultSpec[] {
  const window = o.durationTicks - o.quietTicks;
  if (window <= 0 || o.kinds.length === 0) return [];
  let enabled = o.kinds.filter(() => rng.int(2) === 1);
  if (enabled.length === 0) enabled = [rng.pick(o.kinds)];
  const faults: FaultSpec[] = [];
  const span = (min: number, max: number, at: number): number => Math.max(1, Math.min(rng.range(min, Math.max(min, max)), window - at));
  const someone = (): string => (o.hasLeader ? rng.pick(['random', 'random', 'leader', 'non-leader']) : 'random');
  for (const kind of enabled) {
    const count = rng.range(1, o.maxPerKind);
    for (let i = 0; i < count; i++) {
      const at = rng.int(window);
      const durationTicks = span(100, Math.floor(window / 4), at);
      switch (kind) {
        case 'partition':
          faults.push({ at, kind, durationTicks, groups: [o.hasLeader ? rng.pick(['random-minority', 'minority-with-leader']) : 'random-minority', 'rest'] });
          break;
        case 'isolate':
          faults.push({ at, kind, durationTicks, node: someone() });
          break;
        case 'one-way':
          faults.push({ at, kind, durationTicks, from: someone(), to: 'all' });
          break;
        case 'bridge':
        case 'ring':
          faults.push({ at, kind, durationTicks });
          break;
        case 'clog':
          faults.push({ at, kind, durationTicks, from: someone(), to: 'all' });
          break;
        case 'swizzle-clog': {
          const room = Math.floor((window - at) / (2 * o.nodes.length));
          if (room >= 1) faults.push({ at, kind, stepTicks: rng.range(1, Math.min(room, 2000)) });
          break;
        }
        case 'kill-connections':
          faults.push({ at, kind, nodes: someone() });
          break;
        case 'network':
          faults.push({
            at,
            kind,
            durationTicks,
            dropRate: rng.range(0, 100) / 1000,
            duplicateRate: rng.range(0, 50) / 1000,
            reorderRate: rng.range(0, 200) / 1000,
            latency: { minTicks: 1, maxTicks: rng.range(2, 50), tailRate: rng.range(0, 20) / 1000, tailMaxTicks: rng.range(50, 2000) },
          });
          break;
        case 'crash':
          faults.push({
            at,
            kind,
            node: someone(),
            mode: rng.int(2) === 0 ? 'process' : 'machine',
            restartAfterTicks: span(10, 10_000, at),
            tornWrite: rng.int(4) === 0,
            keepUnsynced: rng.int(3) === 0,
          });
          break;
        case 'pause':
          faults.push({ at, kind, node: someone(), durationTicks: span(10, 10_000, at) });
          break;
        case 'clock-jump':
          faults.push({ at, kind, node: someone(), deltaTicks: rng.range(-30_000, 30_000) });
          break;
        case 'clock-drift':
          faults.push({ at, kind, node: someone(), ppm: rng.range(-1000, 1000) });
          break;
        case 'slow-disk':
          faults.push({ at, kind, durationTicks, node: someone(), factor: rng.range(2, 200) });
          break;
        case 'disk-full':
          faults.push({ at, kind, durationTicks, node: someone() });
          break;
        case 'corrupt-record':
          faults.push({ at, kind, node: someone() });
          break;
        default:
          break; // heal and restart are not drawn
      }
    }
  }
  faults.sort((a, b) => a.at - b.at);
  // Whatever a fault left behind is healed when the quiet period starts.
  faults.push({ at: window, kind: 'heal' });
  return faults;
}
