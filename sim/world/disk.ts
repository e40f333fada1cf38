import type { DiskError, DiskOp, DurableView, NodeId, StoredRecord } from '../contract/node.js';
import type { RandomStream } from '../kernel/rng.js';
import type { DiskConfig, RangeTicks } from './config.js';

/** A record as stored: serialized (so a node cannot alias what it wrote), plus damage if any. */
interface Rec {
  json: string;
  damage?: 'torn' | 'checksum';
}

interface LogFile {
  kind: 'log';
  name: string;
  /** What reads see (the page cache). */
  records: Rec[];
  /** records[0, synced) are also on the platter. */
  synced: number;
  /**
   * The durable content when it is not a prefix of `records`: a truncate cut below `synced` and
   * has not been fsynced yet, so a power loss brings the cut records back. Null otherwise.
   */
  shadow: Rec[] | null;
}

interface BlobFile {
  kind: 'blob';
  name: string;
  /** What reads see (the page cache). */
  current: Rec | undefined;
  /** What survives a power loss. */
  durable: Rec | undefined;
}

type StoredFile = LogFile | BlobFile;

export interface DiskRequest {
  op: DiskOp;
  file: string;
  ref: string;
  /** append: the record; write: the data; truncate: the new length. */
  payload: unknown;
}

export interface DiskCompletion {
  node: NodeId;
  incarnation: number;
  request: DiskRequest;
}

/** How a power loss treats what was written but not fsynced. */
export interface PowerLoss {
  /** The first unsynced write that does not survive reaches the platter half-written. */
  tear: boolean;
  /** The OS had flushed some dirty pages on its own: a random prefix of each file's unsynced writes survives. */
  keepSome: boolean;
}

/**
 * One node's disk. Operations run one at a time in submission order, each taking a sampled
 * latency; an operation takes effect (reaches the page cache) when it completes. `fsync` makes
 * everything written to the file so far durable, truncates included. A process crash keeps the
 * page cache (the OS still has it); a power loss keeps only what is durable, or a bit more, and
 * may tear a write. Faults can make it slow, full (writes fail with ENOSPC) or corrupt a durable
 * record (caught by the checksum on read).
 */
export class NodeDisk {
  private readonly files = new Map<string, StoredFile>();
  private busyUntil = 0;
  /** Active fault ids: overlapping faults each hold the disk slow or full until they end. */
  private readonly slowFaults = new Map<number, { factor: number; until: number }>();
  private readonly fullFaults = new Set<number>();

  constructor(
    readonly node: NodeId,
    private readonly config: DiskConfig,
    private readonly rng: RandomStream,
  ) {}

  get slowFactor(): number {
    let factor = 1;
    for (const f of this.slowFaults.values()) factor = Math.max(factor, f.factor);
    return factor;
  }

  get full(): boolean {
    return this.fullFaults.size > 0;
  }

  /** A slow-disk fault starts (with the time it is due to end, if it has one) or ends (null). */
  setSlow(faultId: number, factor: number | null, until = Number.POSITIVE_INFINITY): void {
    if (factor === null) this.slowFaults.delete(faultId);
    else this.slowFaults.set(faultId, { factor, until });
  }

  setFull(faultId: number, full: boolean): void {
    if (full) this.fullFaults.add(faultId);
    else this.fullFaults.delete(faultId);
  }

  /** When an operation submitted now will complete. */
  schedule(now: number, op: DiskOp): number {
    const start = Math.max(now, this.busyUntil);
    this.busyUntil = this.finishTime(start, this.sample(op));
    return this.busyUntil;
  }

  /**
   * When `work` ticks of normal-speed work started at `start` are done: a slow-disk fault slows
   * only the part of it that runs before the fault is due to end, so a queue that built up while
   * the disk was slow drains at normal speed afterwards.
   */
  private finishTime(start: number, work: number): number {
    let t = start;
    let left = work;
    for (;;) {
      let factor = 1;
      let change = Number.POSITIVE_INFINITY;
      for (const f of this.slowFaults.values()) {
        if (f.until <= t) continue;
        factor = Math.max(factor, f.factor);
        change = Math.min(change, f.until);
      }
      if (factor === 1 || left * factor <= change - t) return Math.ceil(t + left * factor);
      left -= (change - t) / factor;
      t = change;
    }
  }

  private sample(op: DiskOp): number {
    const r: RangeTicks =
      op === 'append'
        ? this.config.appendLatency
        : op === 'write'
          ? this.config.writeLatency
          : op === 'fsync'
            ? this.config.fsyncLatency
            : this.config.truncateLatency;
    return this.rng.range(r.minTicks, r.maxTicks);
  }

  /** Applies a completed operation; returns the error if it failed. */
  apply(req: DiskRequest): DiskError | undefined {
    switch (req.op) {
      case 'append': {
        if (this.full) return 'ENOSPC';
        this.log(req.file).records.push({ json: encode(req.payload) });
        return undefined;
      }
      case 'write': {
        if (this.full) return 'ENOSPC';
        this.blob(req.file).current = { json: encode(req.payload) };
        return undefined;
      }
      case 'fsync': {
        const f = this.files.get(req.file);
        if (f === undefined) return undefined;
        if (f.kind === 'log') {
          f.synced = f.records.length;
          f.shadow = null;
        } else {
          f.durable = f.current;
        }
        return undefined;
      }
      case 'truncate': {
        const f = this.log(req.file);
        const length = Math.max(0, Math.min(f.records.length, req.payload as number));
        // Cutting into durable records: until the next fsync, the platter still has them.
        if (length < f.synced && f.shadow === null) f.shadow = f.records.slice(0, f.synced);
        f.records.length = length;
        f.synced = Math.min(f.synced, length);
        return undefined;
      }
    }
  }

  /** Power loss: the page cache is gone; what survives is what was durable (see PowerLoss). */
  machineCrash(how: PowerLoss): { lostRecords: number; torn: boolean } {
    let lostRecords = 0;
    let torn = false;
    for (const f of this.sortedFiles()) {
      if (f.kind === 'log') {
        if (f.shadow !== null) {
          // An un-fsynced truncate is undone, and what was written after it is lost.
          lostRecords += Math.max(0, f.records.length - f.synced);
          f.records = f.shadow;
          f.synced = f.records.length;
          f.shadow = null;
          continue;
        }
        const unsynced = f.records.length - f.synced;
        if (unsynced <= 0) continue;
        const kept = how.keepSome ? this.rng.int(unsynced + 1) : 0;
        const tearOne = how.tear && kept < unsynced;
        const survivors = f.synced + kept + (tearOne ? 1 : 0);
        if (tearOne) f.records[f.synced + kept] = { json: f.records[f.synced + kept].json, damage: 'torn' };
        lostRecords += unsynced - kept;
        torn ||= tearOne;
        f.records.length = survivors;
        f.synced = survivors;
      } else if (f.current !== f.durable) {
        if (how.keepSome && this.rng.int(2) === 0) {
          f.durable = f.current;
          continue;
        }
        lostRecords += 1;
        if (how.tear) {
          f.durable = { json: f.current?.json ?? 'null', damage: 'torn' };
          torn = true;
        }
        f.current = f.durable;
      }
    }
    // Operations in flight die with the machine; the device is idle when it comes back.
    this.busyUntil = 0;
    return { lostRecords, torn };
  }

  /** Flips bits in one durable record of `file` (or of a random file); returns what it hit. */
  corrupt(file: string | undefined): { file: string; index: number } | undefined {
    const candidates = this.sortedFiles().filter(
      (f) => (file === undefined || f.name === file) && (f.kind === 'log' ? (f.shadow?.length ?? f.synced) > 0 : f.durable !== undefined),
    );
    if (candidates.length === 0) return undefined;
    const f = this.rng.pick(candidates);
    if (f.kind === 'log') {
      const durable = f.shadow ?? f.records;
      const index = this.rng.int(f.shadow?.length ?? f.synced);
      const damaged: Rec = { json: durable[index].json, damage: 'checksum' };
      durable[index] = damaged;
      // Where the page cache shows the same durable record, a read sees the damage too.
      if (f.shadow !== null && index < f.synced) f.records[index] = damaged;
      return { file: f.name, index };
    }
    const damaged: Rec = { json: f.durable?.json ?? 'null', damage: 'checksum' };
    if (f.current === f.durable) f.current = damaged;
    f.durable = damaged;
    return { file: f.name, index: 0 };
  }

  /** What a (re)starting node reads. Every read decodes afresh. */
  view(): DurableView {
    const files = this.files;
    return {
      files: () => [...files.keys()].sort(),
      readLog: (name) => {
        const f = files.get(name);
        return f === undefined || f.kind !== 'log' ? [] : f.records.map(decode);
      },
      readFile: (name) => {
        const f = files.get(name);
        return f === undefined || f.kind !== 'blob' || f.current === undefined ? undefined : decode(f.current);
      },
    };
  }

  /** Durable-state summary for tests and checkers: records per log, and blob presence. */
  snapshot(): Record<string, { records: number; synced: number } | { present: boolean; durable: boolean }> {
    const out: Record<string, { records: number; synced: number } | { present: boolean; durable: boolean }> = {};
    for (const f of this.sortedFiles()) {
      out[f.name] =
        f.kind === 'log'
          ? { records: f.records.length, synced: f.synced }
          : { present: f.current !== undefined, durable: f.current === f.durable };
    }
    return out;
  }

  private sortedFiles(): StoredFile[] {
    return [...this.files.keys()].sort().map((name) => this.files.get(name) as StoredFile);
  }

  private log(name: string): LogFile {
    let f = this.files.get(name);
    if (f === undefined) {
      f = { kind: 'log', name, records: [], synced: 0, shadow: null };
      this.files.set(name, f);
    }
    if (f.kind !== 'log') throw new Error(`disk ${this.node}: ${name} is a whole file, not a log`);
    return f;
  }

  private blob(name: string): BlobFile {
    let f = this.files.get(name);
    if (f === undefined) {
      f = { kind: 'blob', name, current: undefined, durable: undefined };
      this.files.set(name, f);
    }
    if (f.kind !== 'blob') throw new Error(`disk ${this.node}: ${name} is a log, not a whole file`);
    return f;
  }
}

function encode(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

function decode(rec: Rec): StoredRecord {
  if (rec.damage !== undefined) return { ok: false, reason: rec.damage };
  return { ok: true, data: JSON.parse(rec.json) };
}
