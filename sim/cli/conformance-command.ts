/**
 * `zksim conformance <golden.json|dir>...`: replays golden files recorded against a real
 * ZooKeeper into the simulator and reports, per file, which of the five tiers pass and the first
 * mismatch. Exit 0 when every file conforms at every tier, 1 on any mismatch, 2 on a bad file.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GoldenFormatError, parseGolden } from '../conformance/golden.js';
import { replayGolden, TIER_NAMES, TIERS, type ConformanceReport } from '../conformance/replay.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError } from './errors.js';
import { readText } from './inputs.js';
import { progressBar } from './progress.js';

export interface ConformanceOptions {
  json?: boolean;
}

/** Files named on the command line, with directories expanded to their *.json files. */
export function goldenFiles(args: string[]): string[] {
  if (args.length === 0) throw new UsageError('name at least one golden file or directory, e.g. zksim conformance test/fixtures/golden');
  const out: string[] = [];
  for (const a of args) {
    let isDir = false;
    try {
      isDir = statSync(a).isDirectory();
    } catch {
      throw new UsageError(`cannot read golden file ${a}: no such file or directory`);
    }
    if (!isDir) out.push(a);
    else {
      const found = readdirSync(a).filter((f) => f.endsWith('.json')).sort((x, y) => x.localeCompare(y, 'en', { numeric: true }));
      if (found.length === 0) throw new UsageError(`directory ${a} holds no *.json golden files`);
      out.push(...found.map((f) => join(a, f)));
    }
  }
  return out;
}

export function conformanceCommand(args: string[], opts: ConformanceOptions): number {
  const files = goldenFiles(args);
  const goldens = files.map((f) => {
    try {
      return parseGolden(readText(f, 'golden file'), f);
    } catch (e) {
      if (e instanceof GoldenFormatError) throw new UsageError(`${e.message}\n  (golden files follow zk-conformance-golden/1; re-record the file with \`zksim record\`)`);
      throw e;
    }
  });
  const progress = progressBar(goldens.length, 'replaying', !opts.json && goldens.length > 3, 'files');
  const reports: { file: string; report: ConformanceReport }[] = [];
  goldens.forEach((g, i) => {
    reports.push({ file: files[i], report: replayGolden(g) });
    progress.update(i + 1);
  });
  progress.stop();
  const failing = reports.filter((r) => !r.report.tiers[5]);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ files: reports.length, conforming: reports.length - failing.length, reports }, null, 2)}\n`);
  } else {
    for (const { file, report } of reports) process.stdout.write(formatReport(file, report));
    process.stdout.write(`\n${reports.length} file(s), ${reports.reduce((n, r) => n + r.report.ops, 0)} ops: ${reports.length - failing.length} conform at all five tiers${failing.length > 0 ? `, ${failing.length} do not` : ''}\n`);
  }
  return failing.length > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
}

function formatReport(file: string, r: ConformanceReport): string {
  const tiers = TIERS.map((t) => `${t}:${r.tiers[t] ? 'pass' : 'FAIL'}`).join(' ');
  let out = `${file}  seed ${r.seed}, ${r.ops} ops  ${tiers}\n`;
  const m = r.firstMismatch;
  if (m !== undefined) {
    const where = m.op < 0 ? 'the initial tree' : `op ${m.op} (${m.opName})`;
    out += `  first mismatch: tier ${m.tier} (${TIER_NAMES[m.tier]}) at ${where}\n`;
    out += `    expected: ${JSON.stringify(m.expected)}\n    actual:   ${JSON.stringify(m.actual)}\n`;
  }
  return out;
}
