/**
 * `zksim check-trace <trace>... [--json]`: the trace checkers, after the fact, on trace files.
 * Exit 0 every check passed (or had nothing to check), 1 a violation, 2 bad input.
 */
import type { Command } from 'commander';
import { checkTraceFile, type TraceFileReport } from '../check/trace/file.js';
import { TraceFormatError } from '../kernel/trace/parse.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError } from './errors.js';

/** How many violations per check the text output lists (--json lists all that were kept). */
const LISTED = 5;

export interface CheckTraceOptions {
  json?: boolean;
}

export function registerCheckTraceCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('check-trace')
    .description('check ZooKeeper traces after the fact: one leader per epoch, prefix consistency, durability of acknowledged writes, sequential names, watch order, ephemerals')
    .argument('<trace...>', 'trace files (NDJSON, as `zksim run --trace` writes them)')
    .option('--json', 'one JSON line per trace: file, seed, scenario, events, truncated, ok, verdicts (with violations: message, seq, at, nodes, zxid, epoch)')
    .addHelpText('after', '\nExit status: 0 every check passed, 1 a check found a violation, 2 bad input (unreadable file, malformed line, newer trace format).')
    .action((files: string[], opts: CheckTraceOptions) => setExit(checkTraceCommand(files, opts)));
}

export function checkTraceCommand(files: string[], opts: CheckTraceOptions): number {
  let failing = 0;
  for (const file of files) {
    const r = readReport(file);
    if (!r.ok) failing++;
    if (opts.json) {
      const scenario = (r.header.scenario as { name?: unknown } | null)?.name;
      process.stdout.write(`${JSON.stringify({ file, seed: r.header.seed, scenario: typeof scenario === 'string' ? scenario : null, events: r.events, truncated: r.truncated, ok: r.ok, verdicts: r.verdicts })}\n`);
    } else {
      process.stdout.write(formatReport(r));
    }
  }
  if (!opts.json && files.length > 1) process.stdout.write(`${files.length} trace(s): ${files.length - failing} pass, ${failing} with violations\n`);
  return failing > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
}

function readReport(file: string): TraceFileReport {
  try {
    return checkTraceFile(file);
  } catch (e) {
    if (e instanceof TraceFormatError) throw new UsageError(`${file}: ${e.message}`);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`cannot read trace ${file}: no such file`);
    if (code === 'EISDIR') throw new UsageError(`cannot read trace ${file}: it is a directory`);
    if (code === 'EACCES') throw new UsageError(`cannot read trace ${file}: permission denied`);
    throw e;
  }
}

function formatReport(r: TraceFileReport): string {
  const name = (r.header.scenario as { name?: unknown } | null)?.name;
  const out = [`${r.file}: ${typeof name === 'string' ? `${name}, ` : ''}seed ${r.header.seed}, ${r.events} events${r.truncated ? ' (no end event: the trace is cut short)' : ''}`];
  const width = Math.max(...r.verdicts.map((v) => v.check.length));
  for (const v of r.verdicts) {
    out.push(`  ${v.status.toUpperCase().padEnd(7)} ${v.check.padEnd(width)}  ${v.summary}`);
    for (const x of v.violations.slice(0, LISTED)) out.push(`          - ${x.message}`);
    if (v.violationCount > LISTED) out.push(`          … and ${v.violationCount - LISTED} more (--json lists up to ${v.violations.length})`);
  }
  const failed = r.verdicts.filter((v) => v.status === 'fail').length;
  out.push(`result: ${failed === 0 ? `all ${r.verdicts.length} checks pass` : `${failed} of ${r.verdicts.length} checks found violations`}`, '');
  return out.join('\n');
}
