/**
 * One sentence per trace event for the narration panel. Every event kind has a template (the
 * record's type makes a missing one a compile error, and a test runs each on real traces).
 */
import type { TraceEvent, TraceEventKind } from '../../sim/kernel/trace/events.js';

type Of<K extends TraceEventKind> = Extract<TraceEvent, { kind: K }>;

function brief(msg: unknown): string {
  const m = msg as { t?: string; state?: string; vote?: { leader: number } } | undefined;
  if (m?.t === 'notification' && m.vote !== undefined) return `notification (${m.state}, votes for s${m.vote.leader})`;
  if (typeof m?.t === 'string') return m.t;
  return 'message';
}

export const NARRATION: { [K in TraceEventKind]: (e: Of<K>) => string } = {
  boot: (e) => `${e.node} starts (incarnation ${e.incarnation}).`,
  crash: (e) => `${e.node} crashes (${e.mode === 'machine' ? 'power loss' : 'process killed'}${e.lostRecords > 0 ? `, ${e.lostRecords} unsynced record(s) lost` : ''}).`,
  pause: (e) => `${e.node} is paused for ${e.durationTicks} ms.`,
  resume: (e) => `${e.node} resumes with ${e.backlog} event(s) waiting.`,
  timer: (e) => `${e.node}: timer ${e.timer} fires.`,
  send: (e) => `${e.from} sends ${brief(e.msg)} to ${e.to} (${e.port}).`,
  deliver: (e) => `${e.to} receives message ${e.msgId} from ${e.from}.`,
  drop: (e) => `message ${e.msgId} from ${e.from} to ${e.to} is dropped (${e.reason}).`,
  duplicate: (e) => `the network duplicates message ${e.of} from ${e.from} to ${e.to}.`,
  connect: (e) => `${e.from} connects to ${e.to} (${e.port}).`,
  accept: (e) => `${e.node} accepts a connection from ${e.from} (${e.port}).`,
  connected: (e) => `${e.node} is connected to ${e.to} (${e.port}).`,
  'connect-failed': (e) => `${e.node} cannot connect to ${e.to} (${e.reason}).`,
  close: (e) => `${e.node}'s connection to ${e.peer} closes (${e.reason}).`,
  disk: (e) => `${e.node}: disk ${e.op} of ${e.file} ${e.ok ? 'done' : `failed${e.error === undefined ? '' : ` (${e.error})`}`}.`,
  fault: (e) => `fault #${e.id}: ${e.fault} begins.`,
  heal: (e) => `fault #${e.id} (${e.fault}) heals.`,
  clock: (e) => `${e.node}'s clock: ${e.change} ${e.value}.`,
  note: (e) => `${e.text}`,
  role: (e) => `${e.node} is now ${e.role}.`,
  end: (e) => `the run ends${e.healed ? ', every fault healed' : `; still active: ${e.active.join(', ')}`}.`,
};

export function narrate(e: TraceEvent): string {
  return (NARRATION[e.kind] as (x: TraceEvent) => string)(e);
}
