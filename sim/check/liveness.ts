import type { TraceEvent } from '../kernel/trace/events.js';
import type { Checker, Verdict } from './verdict.js';

/** Events that count as fault activity: the quiet period starts after the last of them. */
const FAULT_ACTIVITY = new Set(['fault', 'heal', 'crash', 'boot', 'pause', 'resume', 'clock']);

/**
 * Liveness once faults heal: after the last fault activity plus `settleTicks`, every ordered pair
 * of live nodes must deliver at least one message. When the run ends with faults still active
 * (a node down or paused, a partition, clog or network fault in force) or leaves less than
 * `settleTicks` of quiet time to judge, the verdict is `unknown`, never `pass`.
 */
export class ConnectivityLiveness implements Checker {
  readonly name = 'liveness';
  private quietFrom = 0;
  private readonly up = new Set<string>();
  /** Last delivery time per "from>to". */
  private readonly lastDelivery = new Map<string, number>();
  private end: Extract<TraceEvent, { kind: 'end' }> | undefined;

  constructor(private readonly settleTicks: number) {}

  onEvent(e: TraceEvent): void {
    if (FAULT_ACTIVITY.has(e.kind)) this.quietFrom = e.at;
    switch (e.kind) {
      case 'boot':
        this.up.add(e.node);
        break;
      case 'crash':
        this.up.delete(e.node);
        break;
      case 'deliver':
        this.lastDelivery.set(`${e.from}>${e.to}`, e.at);
        break;
      case 'end':
        this.end = e;
        break;
    }
  }

  finish(): Verdict {
    const check = this.name;
    const end = this.end;
    if (end === undefined) return { check, status: 'unknown', summary: 'the trace has no end event', violations: [] };
    if (!end.healed) {
      return { check, status: 'unknown', summary: `faults still active at the end (${end.active.join(', ')}); liveness not judged`, violations: [] };
    }
    const from = this.quietFrom + this.settleTicks;
    if (end.at - from < this.settleTicks) {
      return {
        check,
        status: 'unknown',
        summary: `only ${Math.max(0, end.at - this.quietFrom)} quiet ticks after the last fault (at ${this.quietFrom}); need ${2 * this.settleTicks} to judge`,
        violations: [],
      };
    }
    const nodes = [...this.up].sort();
    const missing: string[] = [];
    for (const a of nodes) {
      for (const b of nodes) {
        if (a === b) continue;
        const t = this.lastDelivery.get(`${a}>${b}`);
        if (t === undefined || t < from) missing.push(`${a} → ${b}: nothing delivered after ${from}${t === undefined ? '' : ` (last at ${t})`}`);
      }
    }
    const pairs = nodes.length * (nodes.length - 1);
    return missing.length === 0
      ? { check, status: 'pass', summary: `all ${pairs} pairs of live nodes exchanged messages between ${from} and ${end.at}`, violations: [] }
      : { check, status: 'fail', summary: `${missing.length} of ${pairs} pairs silent after faults healed at ${this.quietFrom}`, violations: missing.slice(0, 10) };
  }
}
