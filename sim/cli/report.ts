import type { RunResult } from '../scenario/simulation.js';

const STATUS = { pass: 'PASS', fail: 'FAIL', unknown: '????' } as const;

/** The human summary of a run: one line per check, its violations, and the overall result. */
export function formatRunReport(r: RunResult, tracePath: string | null, wallMs: number): string {
  const out: string[] = [];
  out.push(`zksim run ${r.scenario}: seed ${r.seed}, ${r.endAt} ticks simulated, ${r.events} events, ${Math.round(wallMs)} ms`);
  if (r.stoppedAt !== undefined) {
    const why = r.stoppedAt.check === 'liveness' ? 'a message storm (a livelock) cut the run' : `${r.stoppedAt.check} found a safety violation`;
    out.push(`  stopped at ${r.stoppedAt.at}: ${why} (replay it with --seed ${r.seed})`);
  }
  const width = Math.max(...r.verdicts.map((v) => v.check.length));
  r.verdicts.forEach((v, i) => {
    const e = r.expectations[i];
    const mark = e.met ? (e.expected === 'pass' || e.expected === 'any' ? '' : `  (expected ${e.expected})`) : `  ✗ expected ${e.expected}`;
    out.push(`  ${STATUS[v.status]}  ${v.check.padEnd(width)}  ${v.summary}${mark}`);
    for (const line of v.violations) out.push(`          ${line}`);
  });
  out.push(tracePath === null ? `trace: not written (hash ${r.traceHash})` : `trace: ${tracePath} (hash ${r.traceHash})`);
  const unmet = r.expectations.filter((e) => !e.met);
  out.push(
    unmet.length === 0
      ? `result: as expected (${r.expectations.length} checks)`
      : `result: NOT as expected: ${unmet.map((e) => `${e.check} was ${e.actual}, expected ${e.expected}`).join('; ')}`,
  );
  return out.join('\n');
}
