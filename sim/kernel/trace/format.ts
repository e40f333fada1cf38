import type { TraceEvent } from './events.js';

const MSG_WIDTH = 96;

/** A compact rendering of a message body: the JSON, cut to a readable width. */
export function formatMessage(msg: unknown): string {
  const text = JSON.stringify(msg) ?? 'undefined';
  return text.length > MSG_WIDTH ? `${text.slice(0, MSG_WIDTH - 1)}…` : text;
}

/**
 * Renders any trace event as one readable line: time, sequence number, who, what.
 * Used by goldens, the CLI (diff, replay) and the viz tooltips.
 */
export function formatEvent(e: TraceEvent): string {
  const head = `${String(e.at).padStart(9)} #${String(e.seq).padEnd(6)} `;
  return head + describe(e);
}

function describe(e: TraceEvent): string {
  switch (e.kind) {
    case 'boot':
      return `${e.node} boots (incarnation ${e.incarnation})`;
    case 'crash':
      return `${e.node} ${e.mode} crash${e.lostRecords > 0 ? `, ${e.lostRecords} unsynced record(s) lost` : ''}${e.torn ? ', last write torn' : ''}`;
    case 'pause':
      return `${e.node} pauses for ${e.durationTicks} ticks`;
    case 'resume':
      return `${e.node} resumes, ${e.backlog} input(s) waiting`;
    case 'timer':
      return `${e.node} timer ${e.timer} fires`;
    case 'send':
      return `${e.from} → ${e.to} send m${e.msgId} ${e.conn === undefined ? `datagram:${e.port}` : `conn ${e.conn}:${e.port}`} ${formatMessage(e.msg)}`;
    case 'deliver':
      return `${e.from} → ${e.to} deliver m${e.msgId}`;
    case 'drop':
      return `${e.from} → ${e.to} drop m${e.msgId} (${e.reason})`;
    case 'duplicate':
      return `${e.from} → ${e.to} duplicate m${e.of} as m${e.msgId}`;
    case 'connect':
      return `${e.from} → ${e.to} connect conn ${e.conn}:${e.port}`;
    case 'accept':
      return `${e.node} accepts conn ${e.conn}:${e.port} from ${e.from}`;
    case 'connected':
      return `${e.node} connected conn ${e.conn}:${e.port} to ${e.to}`;
    case 'connect-failed':
      return `${e.node} connect conn ${e.conn}:${e.port} to ${e.to} failed (${e.reason})`;
    case 'close':
      return `${e.node} conn ${e.conn} to ${e.peer} closed (${e.reason})`;
    case 'disk':
      return `${e.node} disk ${e.op} ${e.file} ${e.ok ? 'ok' : `failed: ${e.error ?? 'error'}`}`;
    case 'fault':
      return `fault #${e.id} ${e.fault} ${formatMessage(e.spec)}`;
    case 'heal':
      return `heal fault #${e.id} ${e.fault}`;
    case 'clock':
      return `${e.node} clock ${e.change} ${e.value}`;
    case 'note':
      return `${e.node}: ${e.text}`;
    case 'role':
      return `${e.node} becomes ${e.role}`;
    case 'end':
      return `end of run, ${e.inFlight.length} message(s) in flight`;
    default:
      return formatUnknown(e);
  }
}

function formatUnknown(e: never): string {
  const { seq: _s, at: _a, kind, ...rest } = e as { seq: number; at: number; kind: string };
  return `${kind} ${formatMessage(rest)}`;
}
