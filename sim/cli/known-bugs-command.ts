/**
 * `zksim known-bugs`: the ZooKeeper bugs the model can behave as (sim/history/), with the releases
 * each affects, the property it breaks, and the commands that reproduce and rediscover it; with
 * `--zk-version V`, which of them that release has.
 */
import { KNOWN_BUGS, type KnownBug } from '../history/known-bugs.js';
import { legacyForVersion, parseVersion } from '../history/zk-version.js';
import { reproduceCommand, rediscoverCommand } from '../history/commands.js';
import { UsageError } from './errors.js';

export interface KnownBugsOptions {
  zkVersion?: string;
  json?: boolean;
}

export function knownBugsCommand(opts: KnownBugsOptions): number {
  let bugs: readonly KnownBug[] = KNOWN_BUGS;
  if (opts.zkVersion !== undefined) {
    const v = parseVersion(opts.zkVersion);
    if (typeof v === 'string') throw new UsageError(`--zk-version: ${v}`);
    const on = new Set<string>(legacyForVersion(opts.zkVersion));
    bugs = KNOWN_BUGS.filter((b) => on.has(b.jira) || 'caveat' in b);
  }
  const rows = bugs.map((b) => ({
    jira: b.jira,
    title: b.title,
    affects: b.affectsText,
    fixedIn: b.fixedIn,
    property: b.property,
    checks: b.checks,
    switch: 'caveat' in b ? 'default behaviour (the fix: protocol.quorumSync)' : `--legacy ${b.jira}`,
    reproduce: reproduceCommand(b.jira),
    rediscover: rediscoverCommand(b.jira),
  }));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(opts.zkVersion === undefined ? rows : { zkVersion: opts.zkVersion, bugs: rows }, null, 2)}\n`);
    return 0;
  }
  const out: string[] = [];
  if (opts.zkVersion !== undefined) {
    const n = rows.filter((r) => !r.switch.startsWith('default')).length;
    out.push(`ZooKeeper ${opts.zkVersion} has ${n} of the modelled bugs${n === 0 ? '' : ` (--zk-version ${opts.zkVersion} switches them on)`}, and the sync() caveat every release has:`, '');
  }
  for (const r of rows) {
    out.push(`${r.jira}  ${r.title}`);
    out.push(`  affects:    ${r.affects} (fixed in ${r.fixedIn})`);
    out.push(`  breaks:     ${r.property}`);
    out.push(`  switch:     ${r.switch}`);
    out.push(`  reproduce:  ${r.reproduce}`);
    out.push(`  rediscover: ${r.rediscover}`);
    out.push('');
  }
  process.stdout.write(out.join('\n'));
  return 0;
}
