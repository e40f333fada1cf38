/**
 * `zksim bugs`: lists the planted bugs; with `--self-test`, proves the explorer finds each of them
 * within a seed budget and that the clean build passes the same budget, and says how many seeds
 * and how much time each took.
 */
import { BUG_NAMES, PLANTED_BUGS, type BugName } from '../bugs/catalog.js';
import { huntBug, type HuntResult } from '../explore/bug-hunt.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError } from './errors.js';
import { exploreBase } from './explore-command.js';
import { progressBar } from './progress.js';

export interface BugsOptions {
  json?: boolean;
  selfTest?: boolean;
  budget: string;
  scenario?: string;
  only?: string[];
}

export function bugsCommand(opts: BugsOptions): number {
  if (opts.selfTest !== true) {
    process.stdout.write(opts.json ? `${JSON.stringify(PLANTED_BUGS, null, 2)}\n` : `${Object.entries(PLANTED_BUGS).map(([n, d]) => `${n.padEnd(32)} ${d}`).join('\n')}\n`);
    return EXIT_OK;
  }
  const budget = Number(opts.budget);
  if (!Number.isSafeInteger(budget) || budget < 1) throw new UsageError(`--budget: expected an integer ≥ 1 (got "${opts.budget}")`);
  const base = exploreBase({ scenario: opts.scenario });
  const bugs: (BugName | null)[] = [...(opts.only === undefined ? BUG_NAMES : BUG_NAMES.filter((b) => opts.only!.includes(b))), null];
  const rows: (HuntResult & { ms: number })[] = [];
  const bar = progressBar(bugs.length * budget, 'self-test', !opts.json, 'seeds (at most)');
  let done = 0;
  for (const bug of bugs) {
    const t0 = performance.now(); // determinism-ok: wall time to find the bug, reported only
    const r = huntBug(base, bug, budget, 1, () => bar.update(++done));
    rows.push({ ...r, ms: Math.round(performance.now() - t0) }); // determinism-ok
    done = rows.length * budget;
  }
  bar.stop();
  const missed = rows.filter((r) => r.bug !== null && r.seed === undefined);
  const clean = rows.find((r) => r.bug === null)!;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ base: base.name, budget, results: rows })}\n`);
  } else {
    const lines = [`planted-bug self-test on "${base.name}", budget ${budget} seeds each:`];
    for (const r of rows) {
      const name = (r.bug ?? '(clean build)').padEnd(32);
      if (r.bug === null) lines.push(`  ${name} ${r.seed === undefined ? `PASS  no seed of ${budget} failed` : `FAIL  seed ${r.seed} failed ${r.failed.join(', ')}`}  ${(r.ms / 1000).toFixed(1)} s`);
      else lines.push(`  ${name} ${r.seed === undefined ? `MISSED in ${budget} seeds` : `found at seed ${String(r.seed).padEnd(4)} by ${r.failed.join(', ')}`}  ${(r.ms / 1000).toFixed(1)} s`);
    }
    lines.push(missed.length === 0 && clean.seed === undefined ? 'result: every planted bug found, and the clean build passed' : 'result: NOT as expected');
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return missed.length === 0 && clean.seed === undefined ? EXIT_OK : EXIT_CHECK_FAILED;
}
