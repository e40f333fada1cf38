import { firstDivergence } from '../kernel/trace/diff.js';
import { EXIT_CHECK_FAILED, EXIT_OK } from './errors.js';
import { openTrace } from './inputs.js';

/** `zksim diff <a> <b>`: the first event at which two traces differ. */
export function diffCommand(a: string, b: string, opts: { json?: boolean }): number {
  const ta = openTrace(a);
  const tb = openTrace(b);
  const headerNotes: string[] = [];
  if (ta.header.seed !== tb.header.seed) headerNotes.push(`seeds differ: ${ta.header.seed} vs ${tb.header.seed}`);
  if (JSON.stringify(ta.header.scenario) !== JSON.stringify(tb.header.scenario)) headerNotes.push('scenarios differ');
  if (ta.header.zksim !== tb.header.zksim) headerNotes.push(`written by zksim ${ta.header.zksim} and ${tb.header.zksim}`);
  const d = firstDivergence(ta.events, tb.events);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ a, b, identical: d === null, header: headerNotes, divergence: d }, null, 2)}\n`);
  } else {
    for (const n of headerNotes) process.stdout.write(`header: ${n}\n`);
    process.stdout.write(d === null ? `identical event streams: ${a} and ${b}\n` : `${d.summary.replace('\n  A:', `\n  A (${a}):`).replace('\n  B:', `\n  B (${b}):`)}\n`);
  }
  return d === null ? EXIT_OK : EXIT_CHECK_FAILED;
}
