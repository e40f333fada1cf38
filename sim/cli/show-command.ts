import { formatEvent } from '../kernel/trace/format.js';
import { parseEvent } from '../kernel/trace/parse.js';
import { EXIT_OK } from './errors.js';
import { openTrace } from './inputs.js';

/** `zksim show <trace>`: the trace as readable lines, optionally filtered by kind and node. */
export function showCommand(tracePath: string, opts: { kind?: string[]; node?: string[]; from?: string; limit?: string }): number {
  const { header, events } = openTrace(tracePath);
  process.stdout.write(`# ${tracePath}: seed ${header.seed}, scenario ${(header.scenario as { name?: string }).name ?? '?'}, zksim ${header.zksim}\n`);
  const kinds = opts.kind === undefined ? null : new Set(opts.kind);
  const nodes = opts.node === undefined ? null : new Set(opts.node);
  const from = opts.from === undefined ? 0 : Number(opts.from);
  const limit = opts.limit === undefined ? Number.POSITIVE_INFINITY : Number(opts.limit);
  let shown = 0;
  let lineNo = 1;
  for (const line of events) {
    lineNo++;
    if (shown >= limit) break;
    const e = parseEvent(line, lineNo);
    if (e.seq < from || (kinds !== null && !kinds.has(e.kind))) continue;
    if (nodes !== null) {
      const r = e as unknown as Record<string, unknown>;
      if (![r.node, r.from, r.to].some((n) => typeof n === 'string' && nodes.has(n))) continue;
    }
    process.stdout.write(`${formatEvent(e)}\n`);
    shown++;
  }
  return EXIT_OK;
}
