import type { NodeId, PortName } from '../contract/node.js';
import type { KernelEvent } from '../kernel/kernel.js';
import type { RandomStream } from '../kernel/rng.js';
import type { NetworkConfig } from './config.js';
import type { FaultSpec, Target } from './fault-spec.js';
import type { LinkEffect } from './links.js';
import { compareNodeIds } from '../contract/node-id.js';
import { resolveTarget, type TargetPool } from './targets.js';
import type { World } from './world.js';

/**
 * Applies a fault schedule. Each fault, when it fires, resolves its symbolic targets against the
 * world as it is at that moment (drawing from the "faults" stream), records the resolved fault
 * in the trace, acts, and schedules its own undoing when it has a duration.
 */
export class FaultInjector {
  private nextFaultId = 1;
  private nextRuleId = 1;
  /** `network` faults in force, oldest first: the newest one sets the network's behaviour. */
  private networkFaults: Array<{ id: number; settings: NetworkConfig }> = [];
  /** Swizzle-clogs still stepping, and those a `heal` stopped. */
  private readonly runningSwizzles = new Set<number>();
  private readonly stopped = new Set<number>();

  constructor(
    private readonly world: World<unknown, unknown>,
    private readonly rng: RandomStream,
  ) {}

  schedule(specs: readonly FaultSpec[]): void {
    // Stable by time: faults at the same tick fire in the order they are listed.
    const ordered = specs.map((spec, i) => ({ spec, i })).sort((x, y) => x.spec.at - y.spec.at || x.i - y.i);
    for (const { spec } of ordered) this.world.kernel.schedule(spec.at, this.onFault, spec);
  }

  private readonly onFault = (ev: KernelEvent): void => {
    this.apply(ev.data as FaultSpec);
  };

  /** Applies one fault now. Returns its id in the trace. */
  apply(spec: FaultSpec): number {
    const id = this.nextFaultId++;
    const w = this.world;
    const resolve = (t: Target, pool: TargetPool = 'all'): NodeId[] => resolveTarget(t, w, pool, this.rng);
    const ports = 'ports' in spec && spec.ports !== undefined ? new Set<PortName>(spec.ports) : null;
    /** Schedules the undoing; `undo` returns false when there was nothing left to undo (a `heal` came first). */
    const healAfter = (ticks: number | undefined, undo: () => boolean | void): void => {
      if (ticks === undefined) return;
      w.kernel.after(ticks, () => {
        // Traced before undoing, so the events the undoing causes (boots, releases) follow it.
        if (!this.stillInForce(id, spec.kind)) return;
        if (w.trace.enabled) w.trace.emit(w.kernel.now, { kind: 'heal', id, fault: spec.kind });
        undo();
      });
    };
    const record = (resolved: Record<string, unknown>): void => {
      if (w.trace.enabled) w.trace.emit(w.kernel.now, { kind: 'fault', id, fault: spec.kind, spec: resolved });
    };
    const cut = (pairs: Array<[NodeId[], NodeId[]]>, effect: LinkEffect): void => {
      for (const [from, to] of pairs) {
        if (from.length === 0 || to.length === 0) continue;
        w.links.add({ id: this.nextRuleId++, faultId: id, from: new Set(from), to: new Set(to), ports, effect });
      }
      w.network.onLinksChanged();
      healAfter('durationTicks' in spec ? spec.durationTicks : undefined, () => {
        w.links.removeFault(id);
        w.network.onLinksChanged();
      });
    };

    switch (spec.kind) {
      case 'partition': {
        const groups = this.resolveGroups(spec.groups);
        record({ groups, ports: spec.ports, durationTicks: spec.durationTicks });
        const pairs: Array<[NodeId[], NodeId[]]> = [];
        for (let i = 0; i < groups.length; i++) for (let j = 0; j < groups.length; j++) if (i !== j) pairs.push([groups[i], groups[j]]);
        cut(pairs, 'block');
        break;
      }
      case 'isolate': {
        const nodes = resolve(spec.node);
        const rest = w.nodes.filter((n) => !nodes.includes(n));
        record({ nodes, ports: spec.ports, durationTicks: spec.durationTicks });
        cut(
          [
            [nodes, rest],
            [rest, nodes],
          ],
          'block',
        );
        break;
      }
      case 'one-way': {
        const from = resolve(spec.from);
        const to = resolve(spec.to);
        record({ from, to, ports: spec.ports, durationTicks: spec.durationTicks });
        cut([[from, to]], 'block');
        break;
      }
      case 'bridge': {
        // Two halves that cannot see each other, and one node that sees both (non-transitive).
        const bridge = spec.node === undefined ? [this.rng.pick(w.nodes)] : resolve(spec.node).slice(0, 1);
        const others = this.rng.shuffle(w.nodes.filter((n) => !bridge.includes(n)));
        const half = Math.ceil(others.length / 2);
        const left = others.slice(0, half).sort(compareNodeIds);
        const right = others.slice(half).sort(compareNodeIds);
        record({ bridge, left, right, ports: spec.ports, durationTicks: spec.durationTicks });
        cut(
          [
            [left, right],
            [right, left],
          ],
          'block',
        );
        break;
      }
      case 'ring': {
        // Each node sees the nodes within `reach` ring positions: a majority each, no two alike.
        const nodes = w.nodes;
        const n = nodes.length;
        const reach = Math.ceil(Math.floor(n / 2) / 2);
        const pairs: Array<[NodeId[], NodeId[]]> = [];
        for (let i = 0; i < n; i++) {
          const far = nodes.filter((_, j) => {
            const d = Math.abs(i - j);
            return Math.min(d, n - d) > reach;
          });
          pairs.push([[nodes[i]], far]);
        }
        record({ reach, ports: spec.ports, durationTicks: spec.durationTicks });
        cut(pairs, 'block');
        break;
      }
      case 'clog': {
        const from = resolve(spec.from);
        const to = resolve(spec.to);
        record({ from, to, ports: spec.ports, durationTicks: spec.durationTicks });
        cut([[from, to]], 'clog');
        break;
      }
      case 'swizzle-clog':
        this.swizzle(id, spec.nodes === undefined ? w.nodes.slice() : resolve(spec.nodes), spec.stepTicks, ports, record);
        break;
      case 'heal':
        record({});
        for (const s of this.runningSwizzles) this.stopped.add(s);
        this.runningSwizzles.clear();
        w.links.clear();
        this.networkFaults = [];
        w.network.settings = w.network.base;
        w.network.onLinksChanged();
        break;
      case 'kill-connections': {
        const nodes = spec.nodes === undefined ? w.nodes.slice() : resolve(spec.nodes);
        record({ nodes, ports: spec.ports });
        w.network.killConnections(new Set(nodes), ports);
        break;
      }
      case 'network': {
        const base = w.network.base;
        const toPpm = (rate: number | undefined, fallback: number): number => (rate === undefined ? fallback : Math.round(rate * 1_000_000));
        const l = spec.latency;
        const settings: NetworkConfig = {
          ...base,
          dropPpm: toPpm(spec.dropRate, base.dropPpm),
          duplicatePpm: toPpm(spec.duplicateRate, base.duplicatePpm),
          reorderPpm: toPpm(spec.reorderRate, base.reorderPpm),
          latency:
            l === undefined
              ? base.latency
              : { minTicks: l.minTicks, maxTicks: l.maxTicks, tailPpm: toPpm(l.tailRate, 0), tailMaxTicks: l.tailMaxTicks ?? l.maxTicks },
        };
        record({ dropPpm: settings.dropPpm, duplicatePpm: settings.duplicatePpm, reorderPpm: settings.reorderPpm, latency: settings.latency, durationTicks: spec.durationTicks });
        this.networkFaults.push({ id, settings });
        w.network.settings = settings;
        healAfter(spec.durationTicks, () => {
          this.networkFaults = this.networkFaults.filter((f) => f.id !== id);
          w.network.settings = this.networkFaults.at(-1)?.settings ?? base;
        });
        break;
      }
      case 'crash': {
        const nodes = resolve(spec.node, 'up');
        record({ nodes, mode: spec.mode, restartAfterTicks: spec.restartAfterTicks, tornWrite: spec.tornWrite, keepUnsynced: spec.keepUnsynced });
        for (const n of nodes) {
          // Drawn only when the fault leaves it open, from a stream of their own.
          const powerLoss = {
            tear: spec.tornWrite ?? w.kernel.rng('disk-tear').chancePpm(w.config.disk.tornWritePpm),
            keepSome: spec.keepUnsynced ?? w.kernel.rng('disk-keep').chancePpm(w.config.disk.keepUnsyncedPpm),
          };
          w.crash(n, spec.mode, powerLoss);
        }
        healAfter(spec.restartAfterTicks, () => {
          for (const n of nodes) w.restart(n);
        });
        break;
      }
      case 'restart': {
        const nodes = resolve(spec.node, 'down');
        record({ nodes });
        for (const n of nodes) w.restart(n);
        break;
      }
      case 'pause': {
        const nodes = resolve(spec.node, 'up');
        record({ nodes, durationTicks: spec.durationTicks });
        for (const n of nodes) w.pause(n, spec.durationTicks);
        break;
      }
      case 'clock-jump': {
        const nodes = resolve(spec.node);
        record({ nodes, deltaTicks: spec.deltaTicks });
        for (const n of nodes) w.clockJump(n, spec.deltaTicks);
        break;
      }
      case 'clock-drift': {
        const nodes = resolve(spec.node);
        record({ nodes, ppm: spec.ppm });
        for (const n of nodes) w.clockDrift(n, spec.ppm);
        break;
      }
      case 'slow-disk': {
        const nodes = resolve(spec.node);
        record({ nodes, factor: spec.factor, durationTicks: spec.durationTicks });
        const until = spec.durationTicks === undefined ? undefined : w.kernel.now + spec.durationTicks;
        for (const n of nodes) w.host(n).disk.setSlow(id, spec.factor, until);
        healAfter(spec.durationTicks, () => {
          for (const n of nodes) w.host(n).disk.setSlow(id, null);
        });
        break;
      }
      case 'disk-full': {
        const nodes = resolve(spec.node);
        record({ nodes, durationTicks: spec.durationTicks });
        for (const n of nodes) w.host(n).disk.setFull(id, true);
        healAfter(spec.durationTicks, () => {
          for (const n of nodes) w.host(n).disk.setFull(id, false);
        });
        break;
      }
      case 'corrupt-record': {
        const nodes = resolve(spec.node);
        const hits = nodes.map((n) => ({ node: n, hit: w.host(n).disk.corrupt(spec.file) ?? null }));
        record({ hits });
        break;
      }
      default:
        throw new Error(`unknown fault kind ${JSON.stringify((spec satisfies never as { kind: string }).kind)}`);
    }
    return id;
  }

  /** Whether a lasting fault is still to be undone (a global `heal` ends link and network faults early). */
  private stillInForce(id: number, kind: FaultSpec['kind']): boolean {
    switch (kind) {
      case 'partition':
      case 'isolate':
      case 'one-way':
      case 'bridge':
      case 'ring':
      case 'clog':
        return this.world.links.active.some((r) => r.faultId === id);
      case 'network':
        return this.networkFaults.some((f) => f.id === id);
      default:
        return true;
    }
  }

  /** Partition groups; `rest` stands for every node no other group names. */
  private resolveGroups(groups: readonly Target[]): NodeId[][] {
    const named = groups.map((g) => (g === 'rest' || (Array.isArray(g) && g.length === 1 && g[0] === 'rest') ? null : resolveTarget(g, this.world, 'all', this.rng)));
    const used = new Set(named.flatMap((g) => g ?? []));
    const rest = this.world.nodes.filter((n) => !used.has(n));
    return named.map((g) => g ?? rest);
  }

  /**
   * FoundationDB's swizzle-clog: clog the links of the chosen nodes one at a time, `stepTicks`
   * apart, then unclog them in reverse order at the same pace.
   */
  private swizzle(
    id: number,
    chosen: NodeId[],
    stepTicks: number,
    ports: ReadonlySet<PortName> | null,
    record: (r: Record<string, unknown>) => void,
  ): void {
    const w = this.world;
    const order = this.rng.shuffle(chosen);
    record({ order, stepTicks, ports: ports === null ? undefined : [...ports] });
    this.runningSwizzles.add(id);
    const ruleIds: number[] = [];
    order.forEach((node, i) => {
      const ruleId = this.nextRuleId++;
      ruleIds.push(ruleId);
      const others = new Set(w.nodes.filter((n) => n !== node));
      w.kernel.after(i * stepTicks, () => {
        if (this.stopped.has(id)) return;
        w.links.add({ id: ruleId, faultId: id, from: new Set([node]), to: others, ports, effect: 'clog' });
        w.links.add({ id: ruleId, faultId: id, from: others, to: new Set([node]), ports, effect: 'clog' });
        w.network.onLinksChanged();
      });
    });
    order.forEach((_, j) => {
      const ruleId = ruleIds[order.length - 1 - j];
      w.kernel.after((order.length + j) * stepTicks, () => {
        if (this.stopped.has(id)) return;
        if (w.links.remove(ruleId)) w.network.onLinksChanged();
        if (j === order.length - 1) {
          this.runningSwizzles.delete(id);
          if (w.trace.enabled) w.trace.emit(w.kernel.now, { kind: 'heal', id, fault: 'swizzle-clog' });
        }
      });
    });
  }
}
