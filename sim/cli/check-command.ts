/**
 * `zksim check <history>... [--format json|edn] [--model M] [--timeout MS] [--json] [--explain]
 * [--html DIR]`: linearizability of histories in the interchange format, or Jepsen/Knossos EDN
 * histories; for a violation, the explanation (explain.ts) as text and as an HTML timeline. Exit 0
 * all linearizable, 1 any not, 3 any unknown (out of time: never reported as linearizable), 2 bad
 * input.
 */
import { basename, join } from 'node:path';
import { explainHistory, explanationText, type LinExplanation } from '../check/linearizability/explain.js';
import { timelineHtml } from '../check/linearizability/timeline-html.js';
import { writeFileAtomic } from './file-sink.js';
import { HISTORY_MODELS, HistoryFormatError, parseHistory, type History, type HistoryModelName } from '../check/linearizability/history.js';
import { checkHistory } from '../check/linearizability/check.js';
import { parseEdnHistory, type EdnModel } from '../formats/edn-history.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError } from './errors.js';
import { readText } from './inputs.js';

export const EXIT_UNKNOWN = 3;

export interface CheckCommandOptions {
  format?: string;
  model?: string;
  timeout?: string;
  json?: boolean;
  /** Print why a non-linearizable history is not (implied by --html). */
  explain?: boolean;
  /** Write an HTML timeline per non-linearizable history into this directory. */
  html?: string;
}

export function checkCommand(files: string[], opts: CheckCommandOptions): number {
  if (opts.model !== undefined && !(HISTORY_MODELS as readonly string[]).includes(opts.model)) {
    throw new UsageError(`--model: "${opts.model}" is not a model; use one of ${HISTORY_MODELS.join(', ')}`);
  }
  const timeoutMs = opts.timeout === undefined ? 60_000 : Number(opts.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout: expected a positive number of milliseconds, got "${opts.timeout}"`);
  if (opts.format !== undefined && opts.format !== 'json' && opts.format !== 'edn') throw new UsageError(`--format: "${opts.format}" is not a format; use json or edn`);
  const histories = files.map((f): History => {
    const edn = opts.format === undefined ? /\.edn$/i.test(f) : opts.format === 'edn';
    try {
      if (edn) {
        // The model decides how EDN is read (Knossos drops :fail ops under cas-register), so it is
        // passed to the reader rather than laid over the result.
        if (opts.model !== undefined && opts.model !== 'register' && opts.model !== 'cas-register') {
          throw new UsageError(`--model: an EDN history is a register or cas-register history, not ${opts.model}`);
        }
        return parseEdnHistory(readText(f, 'history'), f, (opts.model ?? 'cas-register') as EdnModel);
      }
      const h = parseHistory(readText(f, 'history'), f);
      return opts.model === undefined ? h : { ...h, model: opts.model as HistoryModelName };
    } catch (e) {
      if (e instanceof HistoryFormatError) {
        const hint = edn ? 'Jepsen EDN histories hold op maps {:type :invoke|:ok|:fail|:info, :f :read|:write|:cas, :value ..., :process N}' : 'histories follow ../shared/formats/history.md, version 1';
        throw new UsageError(`${e.message}\n  (${hint})`);
      }
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
    let ex: LinExplanation | undefined;
    let page: string | undefined;
    if (r.verdict === 'not-linearizable' && (opts.explain === true || opts.html !== undefined)) {
      const from = performance.now(); // determinism-ok: the CLI's time budget
      ex = explainHistory(h, { result: r, deadline: () => performance.now() - from > timeoutMs }); // determinism-ok
      if (ex !== undefined && opts.html !== undefined) {
        page = join(opts.html, `${basename(files[i]).replace(/\.(json|edn)$/i, '')}.html`);
        writeFileAtomic(page, timelineHtml(h, ex, `${files[i]}: not linearizable`));
      }
    }
    const expected = h.expected === undefined ? undefined : h.expected ? 'linearizable' : 'not-linearizable';
    if (opts.json) {
      const explained = ex === undefined ? {} : { explanation: { failingOp: ex.failingPoint.op, core: ex.core, window: ex.window, prefix: ex.prefix.order, minimal: ex.minimal }, ...(page !== undefined ? { html: page } : {}) };
      process.stdout.write(`${JSON.stringify({ file: files[i], verdict: r.verdict, ms, model: h.model, ops: h.ops.length, steps: r.steps, ...(r.failedKey !== undefined ? { key: r.failedKey, bestPrefix: r.bestPrefix } : {}), ...(expected !== undefined ? { expected } : {}), ...explained })}\n`);
    } else {
      const where = r.verdict === 'linearizable' ? '' : r.failedKey ? ` (key ${JSON.stringify(r.failedKey)}: at most ${r.bestPrefix} of its ${r.partitionOps} ops linearize)` : ` (at most ${r.bestPrefix} of ${r.partitionOps} ops linearize)`;
      const note = expected !== undefined && r.verdict !== 'unknown' && expected !== r.verdict ? `  ✗ the file expects ${expected}` : '';
      process.stdout.write(`${files[i]}: ${r.verdict}${where}, ${h.ops.length} ops, ${ms} ms${r.verdict === 'unknown' ? ` (gave up after ${timeoutMs} ms)` : ''}${note}\n`);
      if (ex !== undefined) process.stdout.write(`${explanationText(h, ex).replace(/^/gm, '  ')}\n${page !== undefined ? `  timeline: ${page}\n` : ''}`);
    }
  });
  if (!opts.json && histories.length > 1) {
    process.stdout.write(`${histories.length} histories: ${counts.linearizable} linearizable, ${counts['not-linearizable']} not, ${counts.unknown} unknown\n`);
  }
  return counts['not-linearizable'] > 0 ? EXIT_CHECK_FAILED : counts.unknown > 0 ? EXIT_UNKNOWN : EXIT_OK;
}
