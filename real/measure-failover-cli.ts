/**
 * Measures leader failover of a real 3-server ZooKeeper ensemble (real/ensemble-failover.ts) and writes
 * bench/results/real-failover.json.
 *
 *   node dist/real/measure-failover-cli.js [--trials 10] [--dir <dir>] [--base-port 22181] [--out <file>]
 *
 * --dir keeps every trial's server logs under <dir>/trial-<i>/s<N>/zk.log (default: a new temp dir).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { type FailoverTrial, ensembleScriptPath, measureFailover, summarise } from './ensemble-failover.js';

interface Args {
  trials: number;
  dir?: string;
  basePort?: number;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const repoRoot = dirname(dirname(ensembleScriptPath())); // <root>/.ci/zk-ensemble.sh
  const args: Args = { trials: 10, out: resolve(repoRoot, 'bench/results/real-failover.json') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--trials') args.trials = positiveInt(value(), a);
    else if (a === '--dir') args.dir = resolve(value());
    else if (a === '--base-port') args.basePort = positiveInt(value(), a);
    else if (a === '--out') args.out = resolve(value());
    else if (a === '--help' || a === '-h') {
      console.log('usage: node dist/real/measure-failover-cli.js [--trials N] [--dir DIR] [--base-port PORT] [--out FILE]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

function positiveInt(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, not ${v}`);
  return n;
}

const fmt = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? '-' : v.toFixed(1));
const fmtInt = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? '-' : String(Math.round(v)));

/** Per trial, the log phases used in the table and the summary (ms after the kill). */
function phases(t: FailoverTrial) {
  const leader = t.logs?.find((l) => l.role === 'leader');
  const follower = t.logs?.find((l) => l.role === 'follower');
  const detected = t.logs?.map((l) => l.detectedMs).filter((v): v is number => v !== null) ?? [];
  return {
    detectedMs: detected.length > 0 ? Math.min(...detected) : null,
    leaderElectedMs: leader?.electedMs ?? null,
    followerConnectedMs: follower?.connectedToLeaderMs ?? null,
    followerConnectRetries: follower?.leaderConnectRetries ?? null,
    leaderBroadcastMs: leader?.broadcastMs ?? null,
    notificationTimeouts: t.logs === null ? null : Math.max(0, ...t.logs.map((l) => l.notificationTimeouts)),
    leaderVoteLost: leader === undefined ? null : leader.answeredAsFollowing > 0,
  };
}

const COLUMNS: [string, number, (t: FailoverTrial) => string][] = [
  ['trial', 5, (t) => String(t.trial)],
  ['killed', 6, (t) => `s${t.killedSid}`],
  ['leader', 6, (t) => (t.newLeaderSid === null ? '-' : `s${t.newLeaderSid}`)],
  ['unavail', 8, (t) => fmt(t.unavailableMs)],
  ['srvrLead', 8, (t) => fmt(t.newLeaderMs)],
  ['rawOk', 7, (t) => fmt(t.rawWriteOkMs)],
  ['sessOk', 7, (t) => fmt(t.sessionWriteOkMs)],
  ['detect', 6, (t) => fmtInt(phases(t).detectedMs)],
  ['voteLost', 8, (t) => ({ true: 'yes', false: 'no', null: '-' })[String(phases(t).leaderVoteLost) as 'true' | 'false' | 'null']],
  ['elected', 7, (t) => fmtInt(phases(t).leaderElectedMs)],
  ['retries', 7, (t) => String(phases(t).followerConnectRetries ?? '-')],
  ['fConnect', 8, (t) => fmtInt(phases(t).followerConnectedMs)],
  ['bcast', 5, (t) => fmtInt(phases(t).leaderBroadcastMs)],
];

const HEADER = COLUMNS.map(([name, w]) => name.padStart(w)).join(' ');
const row = (t: FailoverTrial) => COLUMNS.map(([, w, f]) => f(t).padStart(w)).join(' ');

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const loadStart = loadavg();
  const started = new Date();
  console.log(`${args.trials} trials of SIGKILL-the-leader on a 3-server ensemble, ms after the kill:`);
  console.log('  unavail = first write ok (either writer); srvrLead = first srvr "Mode: leader"; rawOk / sessOk = each writer;');
  console.log('  from the survivors\' logs: detect = first "Exception when following the leader"; voteLost = the new');
  console.log('  leader\'s first vote was answered by a peer still FOLLOWING (election waits a 200 ms notification time-out);');
  console.log('  elected = "Peer state changed: leading"; retries / fConnect = the follower\'s failed connects to the new');
  console.log('  leader (100 ms apart) and its successful one; bcast = the leader\'s "leading - broadcast".');
  console.log(HEADER);
  const trials = await measureFailover({
    trials: args.trials,
    dir: args.dir,
    basePort: args.basePort,
    onTrial: (t) => console.log(row(t)),
  });
  const values = (f: (t: FailoverTrial) => number | null) => trials.map(f).filter((v): v is number => v !== null);
  const summary = {
    unavailableMs: summarise(values((t) => t.unavailableMs)),
    newLeaderMs: summarise(values((t) => t.newLeaderMs)),
    rawWriteOkMs: summarise(values((t) => t.rawWriteOkMs)),
    sessionWriteOkMs: summarise(values((t) => t.sessionWriteOkMs)),
    detectedMs: summarise(values((t) => phases(t).detectedMs)),
    leaderElectedMs: summarise(values((t) => phases(t).leaderElectedMs)),
    followerConnectedMs: summarise(values((t) => phases(t).followerConnectedMs)),
    leaderBroadcastMs: summarise(values((t) => phases(t).leaderBroadcastMs)),
    trialsWithLostVote: trials.filter((t) => phases(t).leaderVoteLost === true).length,
    trialsWithConnectRetry: trials.filter((t) => (phases(t).followerConnectRetries ?? 0) > 0).length,
  };
  console.log('');
  for (const [name, s] of [
    ['unavailableMs (first write ok)', summary.unavailableMs],
    ['newLeaderAt - killedAt (srvr)', summary.newLeaderMs],
    ['raw probe write ok', summary.rawWriteOkMs],
    ['session client write ok', summary.sessionWriteOkMs],
    ['log: detected', summary.detectedMs],
    ['log: leader elected', summary.leaderElectedMs],
    ['log: follower connected', summary.followerConnectedMs],
    ['log: leader broadcast', summary.leaderBroadcastMs],
  ] as const) {
    console.log(`${name.padEnd(32)} median ${fmt(s.median).padStart(6)}  min ${fmt(s.min).padStart(6)}  max ${fmt(s.max).padStart(6)}  (n=${s.n})`);
  }
  console.log(`trials whose new leader's first vote was lost: ${summary.trialsWithLostVote}/${trials.length}; ` +
    `with a follower connect retry: ${summary.trialsWithConnectRetry}/${trials.length}`);
  const report = {
    meta: {
      date: started.toISOString(),
      node: process.version,
      java: javaVersion(),
      zookeeper: trials[0]?.zookeeperVersion ?? 'unknown',
      platform: `${process.platform} ${process.arch}`,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      loadavgAtStart: loadStart,
      loadavgAtEnd: loadavg(),
      settings: {
        servers: 3,
        host: '127.0.0.1',
        tickTime: 2000,
        initLimit: 10,
        syncLimit: 5,
        forceSync: process.env.ZK_FORCE_SYNC ?? 'yes',
        pollMs: 20,
      },
      dir: trials[0] ? dirname(trials[0].dir) : null,
    },
    summary,
    trials,
  };
  await mkdir(dirname(args.out), { recursive: true });
  await writeFile(args.out, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nwrote ${args.out}; server logs under ${report.meta.dir}`);
}

function javaVersion(): string {
  // java -version prints on stderr.
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return (r.stderr || r.stdout || '').split('\n')[0]?.trim() || 'unknown';
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
