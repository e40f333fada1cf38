/**
 * `zksim check <history.json>... [--model M] [--timeout MS] [--json]`: linearizability of
 * histories in the interchange format. Exit 0 all linearizable, 1 any not, 3 any unknown (out of
 * time: never reported as linearizable), 2 bad input.
 */
import { HISTORY_MODELS, HistoryFormatError, parseHistory, type HistoryModelName } from '../check/linearizability/history.js';
import { checkHistory } from '../check/linearizability/check.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError } from './errors.js';
import { readText } from './inputs.js';

export const EXIT_UNKNOWN = 3;

export interface CheckCommandOptions {
  model?: string;
  timeout?: string;
  json?: boolean;
}

export function checkCommand(files: string[], opts: CheckCommandOptions): number {
  if (opts.model !== undefined && !(HISTORY_MODELS as readonly string[]).includes(opts.model)) {
    throw new UsageError(`--model: "${opts.model}" is not a model; use one of ${HISTORY_MODELS.join(', ')}`);
  }
  const timeoutMs = opts.timeout === undefined ? 60_000 : Number(opts.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout: expected a positive number of milliseconds, got "${opts.timeout}"`);
  const histories = files.map((f) => {
    try {
      const h = parseHistory(readText(f, 'history'), f);
      return opts.model === undefined ? h : { ...h, model: opts.model as HistoryModelName };
    } catch (e) {
      if (e instanceof HistoryFormatError) throw new UsageError(`${e.message}\n  (histories follow ../shared/formats/history.md, version 1)`);
      throw e;
    }
  });
  const counts = { linearizable: 0, 'not-linearizable': 0, unknown: 0 };
  histories.forEach((h, i) => {
    const started = performance.now(); // determinism-ok: the CLI's time budget, not simulation time
    const deadline = () => performance.now() - started > timeoutMs; // determinism-ok
    const r = checkHistory(h, { deadline });
    const ms = Math.round((performance.now() - started) * 10) / 10; // determinism-ok
    counts[r.verdict]++;
    const expected = h.expected === undefined ? undefined : h.expected ? 'linearizable' : 'not-linearizable';
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ file: files[i], verdict: r.verdict, ms, model: h.model, ops: h.ops.length, steps: r.steps, ...(r.failedKey !== undefined ? { key: r.failedKey, bestPrefix: r.bestPrefix } : {}), ...(expected !== undefined ? { expected } : {}) })}\n`);
    } else {
      const where = r.verdict === 'linearizable' ? '' : r.failedKey ? ` (key ${JSON.stringify(r.failedKey)}: at most ${r.bestPrefix} of its ${r.partitionOps} ops linearize)` : ` (at most ${r.bestPrefix} of ${r.partitionOps} ops linearize)`;
      const note = expected !== undefined && r.verdict !== 'unknown' && expected !== r.verdict ? `  ✗ the file expects ${expected}` : '';
      process.stdout.write(`${files[i]}: ${r.verdict}${where}, ${h.ops.length} ops, ${ms} ms${r.verdict === 'unknown' ? ` (gave up after ${timeoutMs} ms)` : ''}${note}\n`);
    }
  });
  if (!opts.json && histories.length > 1) {
    process.stdout.write(`${histories.length} histories: ${counts.linearizable} linearizable, ${counts['not-linearizable']} not, ${counts.unknown} unknown\n`);
  }
  return counts['not-linearizable'] > 0 ? EXIT_CHECK_FAILED : counts.unknown > 0 ? EXIT_UNKNOWN : EXIT_OK;
}
