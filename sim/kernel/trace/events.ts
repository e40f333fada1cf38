/**
 * The trace format, version 1: NDJSON, one header line, then one event per line.
 * Every event has `seq` (its line number among events, from 0), `at` (virtual time in ticks) and
 * `kind`; the rest of the line is the kind's payload, with keys in the order written here.
 */
export const TRACE_FORMAT_VERSION = 1;

export interface TraceHeader {
  type: 'zksim-trace';
  format: number;
  zksim: string;
  seed: string;
  /** The scenario as given (input only). */
  scenario: unknown;
  /** The configuration the run actually used (defaults filled in, swarm faults expanded). */
  config: unknown;
}

export type TraceEventKind = TraceEvent['kind'];

interface Base {
  seq: number;
  at: number;
}

export type DropReason =
  | 'partition' // datagram sent into a blocked link
  | 'loss' // datagram lost by the random loss model
  | 'node-down' // receiver's machine is off (or the sender's machine died with the message unsent)
  | 'closed' // arrived at an endpoint that was closed or belongs to an earlier incarnation
  | 'connection-timeout'; // held in a broken link until the sender's TCP gave up

export type CloseReason =
  | 'local' // the node closed it itself
  | 'peer-closed' // FIN from the peer (a close or a process crash)
  | 'reset' // RST: the peer's socket is gone (restarted, closed, or the process is dead)
  | 'timeout' // this side's TCP gave up retransmitting into a partition
  | 'killed' // a fault reset the connection
  | 'crash'; // this node crashed

export type TraceEvent =
  | (Base & { kind: 'boot'; node: string; incarnation: number })
  | (Base & { kind: 'crash'; node: string; mode: 'process' | 'machine'; lostRecords: number; torn: boolean })
  | (Base & { kind: 'pause'; node: string; durationTicks: number })
  | (Base & { kind: 'resume'; node: string; backlog: number })
  | (Base & { kind: 'timer'; node: string; timer: string })
  | (Base & { kind: 'send'; msgId: number; from: string; to: string; port: string; conn?: number; msg: unknown })
  | (Base & { kind: 'deliver'; msgId: number; from: string; to: string })
  | (Base & { kind: 'drop'; msgId: number; from: string; to: string; reason: DropReason })
  | (Base & { kind: 'duplicate'; msgId: number; of: number; from: string; to: string })
  | (Base & { kind: 'connect'; conn: number; from: string; to: string; port: string })
  | (Base & { kind: 'accept'; conn: number; node: string; from: string; port: string })
  | (Base & { kind: 'connected'; conn: number; node: string; to: string; port: string })
  | (Base & { kind: 'connect-failed'; conn: number; node: string; to: string; port: string; reason: string })
  | (Base & { kind: 'close'; conn: number; node: string; peer: string; reason: CloseReason })
  | (Base & { kind: 'disk'; node: string; op: string; file: string; ok: boolean; error?: string })
  | (Base & { kind: 'fault'; id: number; fault: string; spec: unknown })
  | (Base & { kind: 'heal'; id: number; fault: string })
  | (Base & { kind: 'clock'; node: string; change: string; value: number })
  | (Base & { kind: 'note'; node: string; text: string; data?: unknown })
  | (Base & { kind: 'role'; node: string; role: string })
  /** `healed`: no fault is in force at the end; `active` names those that are. */
  | (Base & { kind: 'end'; inFlight: number[]; healed: boolean; active: string[] });

/** An event before the recorder numbers it. */
export type TraceEventInput = TraceEvent extends infer E ? (E extends Base ? Omit<E, 'seq' | 'at'> : never) : never;
