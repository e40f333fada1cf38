/**
 * ZooKeeper's known bugs ([history-bugs]): the version table, the switches, and every scripted
 * reproduction in scenarios/bugs/ with its fixed twin — the old behaviour breaks the property the
 * catalog names, the same run with today's behaviour keeps every promise. Refresh the twins after
 * editing a reproduction with UPDATE_TWINS=1.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KNOWN_BUGS, LEGACY_IDS } from '../sim/history/known-bugs.js';
import { legacyForVersion, parseVersion, resolveLegacy } from '../sim/history/zk-version.js';
import { fixedTwin } from '../sim/history/twin.js';
import { rediscover } from '../sim/history/rediscover.js';
import { HUNT_BASES } from '../sim/history/hunt-bases.js';
import { totalOrderPredicate, type Vote } from '../sim/zk/election/vote.js';
import { parseScenario, validateScenario } from '../sim/scenario/load.js';
import { runScenario } from '../sim/scenario/simulation.js';
import { DEFAULT_EXPLORE_BASE } from '../sim/explore/default-base.js';
import { ROOT, zksim as runCli } from './helpers/cli.js';

const BUGS_DIR = join(ROOT, 'scenarios', 'bugs');

describe('zkVersion → switches', () => {
  it('turns on exactly the bugs each release shipped', () => {
    expect(legacyForVersion('3.3.3')).toEqual(['ZOOKEEPER-335', 'ZOOKEEPER-1154', 'ZOOKEEPER-1277']);
    expect(legacyForVersion('3.4.3')).toEqual(['ZOOKEEPER-1277', 'ZOOKEEPER-1419']);
    expect(legacyForVersion('3.4.6')).toEqual([]);
    expect(legacyForVersion('3.4.10')).toEqual(['ZOOKEEPER-2845', 'ZOOKEEPER-3911']);
    expect(legacyForVersion('3.4.12')).toEqual(['ZOOKEEPER-3911', 'ZOOKEEPER-4712']);
    expect(legacyForVersion('3.6.2')).toEqual(['ZOOKEEPER-3911', 'ZOOKEEPER-4712']);
    expect(legacyForVersion('3.6.3')).toEqual(['ZOOKEEPER-4643', 'ZOOKEEPER-4646', 'ZOOKEEPER-4685', 'ZOOKEEPER-4712']);
    expect(legacyForVersion('3.8.4')).toEqual(['ZOOKEEPER-4643', 'ZOOKEEPER-4646', 'ZOOKEEPER-4685', 'ZOOKEEPER-4712']);
    expect(legacyForVersion('3.9.2')).toEqual(['ZOOKEEPER-4712']);
    expect(legacyForVersion('3.9.3')).toEqual([]);
    expect(legacyForVersion('latest')).toEqual([]);
    expect(legacyForVersion('3.10.0')).toEqual([]);
  });

  it('names what is wrong with a bad release number', () => {
    expect(parseVersion('3.4')).toMatch(/MAJOR\.MINOR\.PATCH/);
    expect(parseVersion('3.2.9')).toMatch(/older than 3\.3\.0/);
    expect(() => legacyForVersion('x')).toThrow(/not a release number/);
  });

  it('merges a version with single switches, sorted by JIRA number', () => {
    expect(resolveLegacy('3.9.2', ['ZOOKEEPER-1419', 'ZOOKEEPER-335'])).toEqual(['ZOOKEEPER-335', 'ZOOKEEPER-1419', 'ZOOKEEPER-4712']);
  });

  it('refuses an unknown switch or version in a scenario, naming the field', () => {
    const base = JSON.parse(JSON.stringify(DEFAULT_EXPLORE_BASE));
    expect(() => validateScenario({ ...base, legacy: ['ZOOKEEPER-1'] }, 'x')).toThrow(/legacy/);
    expect(() => validateScenario({ ...base, zkVersion: '2.0.0' }, 'x')).toThrow(/zkVersion.*older than 3\.3\.0/s);
    expect(() => validateScenario({ version: 1, name: 'p', seed: 1, durationTicks: 100, servers: 2, protocol: { kind: 'pingpong' }, zkVersion: '3.4.3' }, 'x')).toThrow(/zkVersion.*ZooKeeper model only/s);
  });
});

describe('ZOOKEEPER-1419: the vote order without the epoch clause', () => {
  const v = (peerEpoch: number, leader: number): Vote => ({ leader, peerEpoch, zxid: { epoch: 1, counter: 5 }, electionEpoch: 1 });
  it('is not an order: each of two votes beats the other', () => {
    const x = v(2, 1);
    const y = v(1, 3);
    expect(totalOrderPredicate(x, y, true)).toBe(true);
    expect(totalOrderPredicate(y, x, true)).toBe(true);
    // Today's order: the higher epoch wins, and only that way round.
    expect(totalOrderPredicate(x, y)).toBe(true);
    expect(totalOrderPredicate(y, x)).toBe(false);
  });
});

const reproductions = existsSync(BUGS_DIR) ? readdirSync(BUGS_DIR).filter((f) => /^ZOOKEEPER-\d+\.json$/.test(f)).sort() : [];

describe('scripted reproductions (scenarios/bugs/)', () => {
  it('has one for every known bug', () => {
    expect(reproductions).toEqual(KNOWN_BUGS.map((b) => `${b.jira}.json`).sort());
  });

  for (const file of reproductions) {
    const jira = file.replace('.json', '');
    const bug = KNOWN_BUGS.find((b) => b.jira === jira)!;
    it(`${jira}: the old behaviour breaks ${bug.checks.join(' / ')}, and the fixed twin keeps every promise`, () => {
      const scenario = parseScenario(readFileSync(join(BUGS_DIR, file), 'utf8'), file);
      expect(scenario.name).toBe(jira);
      // It runs the old behaviour of its own bug (the caveat: today's behaviour).
      if ('caveat' in bug) expect(scenario.legacy).toBeUndefined();
      else expect(scenario.legacy).toEqual([jira]);
      const r = runScenario(scenario);
      const failed = r.verdicts.filter((x) => x.status === 'fail').map((x) => x.check);
      expect(failed.length).toBeGreaterThan(0);
      for (const c of failed) expect(bug.checks, `${c} failed`).toContain(c);
      expect(r.ok, JSON.stringify(r.expectations.filter((e) => !e.met))).toBe(true);
      const zab = r.verdicts.find((x) => x.check === 'zab-invariants');
      if (zab?.status === 'fail') expect(bug.invariants).toContain(zab.violations[0].split(' at ')[0]);
      if (jira === 'ZOOKEEPER-1419') {
        // The storm guard cut the livelock early instead of simulating it to the end.
        expect(r.stoppedAt?.check).toBe('liveness');
        expect(r.endAt).toBeLessThan(scenario.durationTicks);
        expect(r.verdicts.find((x) => x.check === 'liveness')?.summary).toMatch(/^message storm/);
      }

      const twinFile = join(BUGS_DIR, `${jira}.fixed.json`);
      const twin = fixedTwin(scenario);
      if (process.env.UPDATE_TWINS === '1') writeFileSync(twinFile, `${JSON.stringify(twin, null, 2)}\n`);
      const stored = parseScenario(readFileSync(twinFile, 'utf8'), twinFile);
      expect(stored, `${jira}.fixed.json is not the fixed twin of ${file}; refresh it with UPDATE_TWINS=1`).toEqual(twin);
      const t = runScenario(stored);
      expect(
        t.verdicts.filter((x) => x.status !== 'pass').map((x) => `${x.check}: ${x.summary}`),
        'the fixed twin',
      ).toEqual([]);
    });
  }
});

/**
 * The swarm finds these within a few seeds (BENCHMARKS.md has the figures); the budgets leave
 * room for the model to change. 4643 (about one seed in 1,500) and the sync() caveat (not found
 * by the swarm) are left to `npm run bench:history`.
 */
const REDISCOVERY_BUDGETS: Record<string, number> = {
  'ZOOKEEPER-335': 60,
  'ZOOKEEPER-1154': 20,
  'ZOOKEEPER-1277': 10,
  'ZOOKEEPER-1419': 150,
  'ZOOKEEPER-2845': 30,
  'ZOOKEEPER-3911': 10,
  'ZOOKEEPER-4646': 10,
  'ZOOKEEPER-4685': 10,
  'ZOOKEEPER-4712': 300,
};

function huntBase(jira: string) {
  const hunt = HUNT_BASES[jira];
  return hunt === undefined ? DEFAULT_EXPLORE_BASE : parseScenario(readFileSync(join(ROOT, hunt.path), 'utf8'), hunt.path);
}

describe('rediscovery by random search', () => {
  for (const [jira, budget] of Object.entries(REDISCOVERY_BUDGETS)) {
    const bug = KNOWN_BUGS.find((b) => b.jira === jira)!;
    it(`finds ${jira} within ${budget} seeds${HUNT_BASES[jira] === undefined ? '' : ' of its own base'}, on a seed its fixed twin passes`, () => {
      const r = rediscover(huntBase(jira), jira, { budget });
      expect(r.seed, `${jira} not found in ${budget} seeds`).toBeDefined();
      for (const c of r.failed) expect(bug.checks).toContain(c);
      if (r.failed[0] === 'zab-invariants') expect(bug.invariants).toContain(r.first!.split(' at ')[0]);
    });
  }

  it('finds nothing when the old behaviour is today\'s (a search with no switch on)', () => {
    const r = rediscover({ ...DEFAULT_EXPLORE_BASE, legacy: undefined } as never, 'ZOOKEEPER-1675', { budget: 5 });
    expect(r.seed).toBeUndefined();
    expect(r.runs).toBe(5);
  });
});

describe('zksim known-bugs and the switches on the command line', () => {
  it('lists every bug with its reproduce and rediscover commands', () => {
    const r = runCli(['known-bugs', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { jira: string; reproduce: string; rediscover: string }[];
    expect(rows.map((x) => x.jira)).toEqual(KNOWN_BUGS.map((b) => b.jira));
    for (const row of rows) {
      expect(row.reproduce).toContain(`scenarios/bugs/${row.jira}.json`);
      expect(row.rediscover).toMatch(/^zksim explore /);
    }
  });

  it('filters by release', () => {
    const r = runCli(['known-bugs', '--zk-version', '3.4.3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ZOOKEEPER-1419');
    expect(r.stdout).not.toContain('ZOOKEEPER-4643');
  });

  it('refuses an unknown switch or release with exit 2 and names the fix', () => {
    const a = runCli(['run', '--legacy', 'ZOOKEEPER-9999', '--no-trace']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--legacy: unknown switch "ZOOKEEPER-9999".*known-bugs/);
    const b = runCli(['explore', '--zk-version', '3.4', '--runs', '1']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--zk-version: "3\.4" is not a release number/);
  });

  it('runs a scenario as an older release and records it in the trace header', () => {
    const r = runCli(['run', join(BUGS_DIR, 'ZOOKEEPER-4685.fixed.json'), '--zk-version', '3.6.3', '--json', '--no-trace']);
    const out = JSON.parse(r.stdout) as { verdicts: { check: string; status: string }[] };
    expect(out.verdicts.find((v) => v.check === 'zab-invariants')?.status).toBe('fail');
    expect(LEGACY_IDS).toContain('ZOOKEEPER-4685');
  });
});
