import type { NodeId, PortName } from '../contract/node.js';

/**
 * Who a fault hits: a node id, a list of ids, or a symbol resolved when the fault fires (and
 * recorded in the trace): `all`, `random`, `random-minority`, `random-majority`, `leader`,
 * `non-leader`, `minority-with-leader`, `majority-without-leader`, and in partition groups `rest`
 * (every node not named by another group). Roles come from the protocol's `inspect()`.
 */
export type Target = NodeId | NodeId[];

interface Timed {
  /** Virtual time in ticks at which the fault starts. */
  at: number;
}

interface Lasting {
  /** Undone automatically after this many ticks; omitted: lasts until a `heal` (or the end). */
  durationTicks?: number;
}

interface PortScoped {
  /** Only these ports are affected; omitted: every port. */
  ports?: PortName[];
}

export type FaultSpec =
  | (Timed & Lasting & PortScoped & { kind: 'partition'; groups: Target[] })
  | (Timed & Lasting & PortScoped & { kind: 'isolate'; node: Target })
  | (Timed & Lasting & PortScoped & { kind: 'one-way'; from: Target; to: Target })
  | (Timed & Lasting & PortScoped & { kind: 'bridge'; node?: Target })
  | (Timed & Lasting & PortScoped & { kind: 'ring' })
  | (Timed & Lasting & PortScoped & { kind: 'clog'; from: Target; to: Target })
  | (Timed & PortScoped & { kind: 'swizzle-clog'; nodes?: Target; stepTicks: number })
  | (Timed & { kind: 'heal' })
  | (Timed & PortScoped & { kind: 'kill-connections'; nodes?: Target })
  | (Timed &
      Lasting & {
        kind: 'network';
        dropRate?: number;
        duplicateRate?: number;
        reorderRate?: number;
        latency?: { minTicks: number; maxTicks: number; tailRate?: number; tailMaxTicks?: number };
      })
  | (Timed & {
      kind: 'crash';
      node: Target;
      mode: 'process' | 'machine';
      restartAfterTicks?: number;
      /** Power loss only: tear the first unsynced write that does not survive (default: the disk's tornWriteRate). */
      tornWrite?: boolean;
      /** Power loss only: a random prefix of the unsynced writes survives (default: the disk's keepUnsyncedRate). */
      keepUnsynced?: boolean;
    })
  | (Timed & { kind: 'restart'; node: Target })
  | (Timed & { kind: 'pause'; node: Target; durationTicks: number })
  | (Timed & { kind: 'clock-jump'; node: Target; deltaTicks: number })
  | (Timed & { kind: 'clock-drift'; node: Target; ppm: number })
  | (Timed & Lasting & { kind: 'slow-disk'; node: Target; factor: number })
  | (Timed & Lasting & { kind: 'disk-full'; node: Target })
  | (Timed & { kind: 'corrupt-record'; node: Target; file?: string });

export type FaultKind = FaultSpec['kind'];

export const FAULT_KINDS: readonly FaultKind[] = [
  'partition',
  'isolate',
  'one-way',
  'bridge',
  'ring',
  'clog',
  'swizzle-clog',
  'heal',
  'kill-connections',
  'network',
  'crash',
  'restart',
  'pause',
  'clock-jump',
  'clock-drift',
  'slow-disk',
  'disk-full',
  'corrupt-record',
];
