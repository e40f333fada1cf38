/**
 * The fidelity check of the ensemble: how long a real 3-server ZooKeeper 3.8 ensemble on 127.0.0.1 is
 * unable to take writes after its leader is SIGKILLed, i.e. until a new leader serves writes.
 *
 * Per trial: a fresh ensemble (.ci/zk-ensemble.sh start, fresh data dirs); a client over all three servers
 * writes a few nodes and closes; the leader is found with `srvr` ("Mode: leader"). From the kill on, two
 * kinds of writer and a poller work on the survivors only:
 *   - raw probes: every ~20 ms, to each survivor that has no probe in flight, a new TCP connection with a
 *     new session (ConnectRequest) and a create of a fresh path, given RAW_PROBE_TIMEOUT_MS. Nothing but the
 *     server decides when it succeeds: no client library back-off or reconnect delay is involved. A new
 *     session is itself a transaction (createSession goes through the leader), and so is the create.
 *   - a session client (real-zk-client.ts, connect string of the two survivors, opened before the kill)
 *     that issues a create every ~20 ms: what an application with an open session sees, including the
 *     library's reconnect behaviour.
 *   - `srvr` on each survivor every ~20 ms: a server answers with a Mode only while its ZooKeeperServer runs,
 *     so the first "Mode: leader" after the kill is the new leader having started serving.
 * The kill is a SIGKILL of the leader's JVM (process.kill on its pid); `killedAt` is taken just before.
 * `firstWriteOkAt` is the first successful write by either kind of writer.
 *
 * Afterwards the survivors' logs (slf4j-simple, UTC wall clock in ms, set by the script) are read for the
 * phases of the failover: detection ("Exception when following the leader"), LOOKING, the election's end
 * (LEADING / FOLLOWING, "LEADER ELECTION TOOK"), discovery (the follower's connections to the new leader,
 * with their 100 ms retries), synchronisation and "broadcast". The log times are wall clock, lined up with
 * Date.now() taken at the kill.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Result } from '../sim/client/zk-client.js';
import { fourLetterWord } from './four-letter.js';
import { ciScript } from './zk-server.js';
import { type RealZkClient, connectRealClient } from './real-zk-client.js';

export interface FailoverOptions {
  trials: number;
  /** Directory for the trials' ensembles (trial-<i>/s<N>/zk.log are kept); default a new temp dir. */
  dir?: string;
  /** First client port (ZK_BASE_PORT of the script); default 22181. */
  basePort?: number;
  /** Called after each trial, e.g. to print a row. */
  onTrial?: (trial: FailoverTrial) => void;
}

/** The phases of one survivor as its log shows them; ms after the kill (null: not in the log). */
export interface SurvivorLog {
  sid: number;
  role: 'leader' | 'follower' | null;
  /** "Exception when following the leader": the broken connection to the old leader noticed. */
  detectedMs: number | null;
  /** "Peer state changed: looking": from now on its election thread queues the votes it receives. */
  lookingMs: number | null;
  /**
   * "New election. My id = …": the server sends its first vote. A vote that reaches a peer not yet LOOKING
   * is not queued there (the peer only answers with its old FOLLOWING vote), which is what makes some
   * elections wait for a notification time-out (see notificationTimeouts).
   */
  electionStartMs: number | null;
  /** "Peer state changed: leading" / "following": the election over for this server. */
  electedMs: number | null;
  /** The server's own "LEADER ELECTION TOOK - N MS" (from its LOOKING to its decision). */
  electionTookMs: number | null;
  /**
   * "Notification time out" during this election: the server's poll for votes came back empty (after 200 ms,
   * then 400, ...) and it sent its vote again. 0 when the votes met at once (election = finalizeWait).
   */
  notificationTimeouts: number;
  /**
   * Votes this server received from the other survivor while that one still followed the dead leader
   * ("n.state:FOLLOWING, n.leader:<killed>"): the reply of a server that was not yet LOOKING, which drops
   * the vote it answers. When the new leader has one, its first vote was lost and the election waited for
   * a notification time-out before the vote was sent again.
   */
  answeredAsFollowing: number;
  /** Follower: "Unexpected exception, tries=…" while connecting to the new leader (each costs 100 ms). */
  leaderConnectRetries: number;
  /** Follower: "Successfully connected to leader". */
  connectedToLeaderMs: number | null;
  /** Leader: "Have quorum of supporters": a quorum acknowledged NEWLEADER, the server starts up. */
  quorumMs: number | null;
  /** "Peer state changed: … - broadcast": synchronised, serving. */
  broadcastMs: number | null;
}

export interface FailoverTrial {
  trial: number;
  /** "Zookeeper version:" of the leader's `srvr` before the kill. */
  zookeeperVersion: string;
  /** The trial's ensemble directory (logs kept in s<N>/zk.log). */
  dir: string;
  killedSid: number;
  /** The survivor that became leader (srvr "Mode: leader"), null if none was seen. */
  newLeaderSid: number | null;
  /** Wall clock (ms since the epoch) just before the SIGKILL. */
  killedAt: number;
  /** Wall clock of the first successful write after the kill (raw probe or session client). */
  firstWriteOkAt: number;
  /** firstWriteOkAt − killedAt. */
  unavailableMs: number;
  /** Wall clock of the first `srvr` answer "Mode: leader" from a survivor, null if none was seen. */
  newLeaderAt: number | null;
  /** newLeaderAt − killedAt. */
  newLeaderMs: number | null;
  /** First success of a raw probe (new connection + new session + create), ms after the kill. */
  rawWriteOkMs: number | null;
  /** Raw probes started after the kill up to and including the first that succeeded. */
  rawAttempts: number;
  /** First success of the session client's creates, ms after the kill. */
  sessionWriteOkMs: number | null;
  /** Per survivor, first `srvr` answer without a Mode (no longer serving) and the first with one again. */
  srvr: { sid: number; stoppedServingMs: number | null; servingAgainMs: number | null; mode: string | null }[];
  /** What the survivors' logs say (null when the logs could not be read). */
  logs: SurvivorLog[] | null;
}

const ENSEMBLE_SIZE = 3;
/** Spacing of the writers' attempts and of the `srvr` polls. */
const POLL_MS = 20;
/** A raw probe that has not succeeded after this long is abandoned (its socket destroyed). */
const RAW_PROBE_TIMEOUT_MS = 1000;
/** Give up on a trial if no write succeeds within this long after the kill. */
const GIVE_UP_MS = 60_000;
/** After the first successful write, keep observing this long (the other writer, the srvr polls). */
const SETTLE_MS = 1500;
const SESSION_TIMEOUT_MS = 30_000;
/** Writes before the kill (besides /failover), and a pause after them: the kill hits a settled ensemble. */
const SETUP_WRITES = 50;
const PRE_KILL_PAUSE_MS = 2000;

export async function measureFailover(options: FailoverOptions): Promise<FailoverTrial[]> {
  if (!Number.isInteger(options.trials) || options.trials < 1) throw new Error(`trials must be a positive integer, not ${options.trials}`);
  const basePort = options.basePort ?? 22181;
  const baseDir = options.dir ?? (await mkdtemp(join(tmpdir(), 'zksim-failover-')));
  await mkdir(baseDir, { recursive: true });
  const trials: FailoverTrial[] = [];
  for (let i = 1; i <= options.trials; i++) {
    const trial = await runTrial(i, join(baseDir, `trial-${i}`), basePort);
    trials.push(trial);
    options.onTrial?.(trial);
  }
  return trials;
}

async function runTrial(trial: number, dir: string, basePort: number): Promise<FailoverTrial> {
  const env = { ...process.env, ZK_BASE_PORT: String(basePort) };
  const ports = Array.from({ length: ENSEMBLE_SIZE }, (_, i) => basePort + i);
  const portOf = (sid: number) => ports[sid - 1];
  await rm(dir, { recursive: true, force: true });
  await ensembleScript(['start', dir, String(ENSEMBLE_SIZE)], env);
  const cleanups: (() => void | Promise<void>)[] = [];
  try {
    // A client over all three servers writes a few nodes, then goes: it must not reconnect during the trial.
    const all = await connectRealClient(ports.map((p) => `127.0.0.1:${p}`).join(','), { sessionTimeoutMs: SESSION_TIMEOUT_MS });
    try {
      must(await call((cb) => all.create('/failover', 'trial ' + trial, 'PERSISTENT', cb)), 'create /failover');
      for (let k = 0; k < SETUP_WRITES; k++) must(await call((cb) => all.create(`/failover/setup-${k}`, 'x'.repeat(100), 'PERSISTENT', cb)), 'setup write');
    } finally {
      await closeClient(all);
    }

    const modes = await Promise.all(ports.map((p) => srvrMode(p)));
    const leaders = modes.flatMap((m, i) => (m === 'leader' ? [i + 1] : []));
    if (leaders.length !== 1) throw new Error(`trial ${trial}: expected one leader, srvr says ${JSON.stringify(modes)}`);
    const killedSid = leaders[0];
    const survivors = ports.map((_, i) => i + 1).filter((sid) => sid !== killedSid);
    const zookeeperVersion = /^Zookeeper version: (.*)$/m.exec(await fourLetterWord(`127.0.0.1:${portOf(killedSid)}`, 'srvr'))?.[1]?.trim() ?? 'unknown';
    const pid = Number((await readFile(join(dir, `s${killedSid}`, 'zk.pid'), 'utf8')).trim());
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`trial ${trial}: bad pid file of server ${killedSid}`);

    // The session client, connected to the survivors only and warmed up with one write.
    const sessionClient = await connectRealClient(survivors.map((sid) => `127.0.0.1:${portOf(sid)}`).join(','), {
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
    });
    cleanups.push(() => closeClient(sessionClient));
    must(await call((cb) => sessionClient.create('/failover/session-warmup', null, 'PERSISTENT', cb)), 'session client warm-up');

    await sleep(PRE_KILL_PAUSE_MS);
    let killedAtPerf = 0; // performance.now() at the kill
    const since = () => performance.now() - killedAtPerf;
    let stop = false;

    // srvr pollers: started before the kill so the first poll after it is at most POLL_MS late.
    const srvr = survivors.map((sid) => ({ sid, stoppedServingMs: null as number | null, servingAgainMs: null as number | null, mode: null as string | null }));
    let newLeader: { sid: number; ms: number } | null = null;
    let killed = false;
    const pollers = srvr.map(async (s) => {
      while (!stop) {
        const started = performance.now();
        const mode = await srvrMode(portOf(s.sid), 500).catch(() => null);
        if (killed) {
          if (mode === null && s.stoppedServingMs === null) s.stoppedServingMs = since();
          if (mode !== null && s.stoppedServingMs !== null && s.servingAgainMs === null) {
            s.servingAgainMs = since();
            s.mode = mode;
          }
          if (mode === 'leader' && s.stoppedServingMs !== null && newLeader === null) newLeader = { sid: s.sid, ms: since() };
        }
        await sleep(Math.max(0, POLL_MS - (performance.now() - started)));
      }
    });

    const killedAt = Date.now();
    killedAtPerf = performance.now();
    process.kill(pid, 'SIGKILL');
    killed = true;

    // Raw probes: a new connection + session + create to each survivor with none in flight, every POLL_MS.
    let rawOk: number | null = null;
    let rawAttempts = 0;
    let rawSeq = 0;
    const inFlight = new Set<number>();
    const rawLoop = (async () => {
      while (!stop && rawOk === null) {
        for (const sid of survivors) {
          if (inFlight.has(sid) || rawOk !== null) continue;
          inFlight.add(sid);
          rawAttempts++;
          rawCreate(portOf(sid), `/failover/raw-${rawSeq++}`, RAW_PROBE_TIMEOUT_MS)
            .then((ok) => {
              if (ok && rawOk === null) rawOk = since();
            })
            .finally(() => inFlight.delete(sid));
        }
        await sleep(POLL_MS);
      }
    })();

    // The session client: a create every POLL_MS (the library queues them while it reconnects).
    let sessionOk: number | null = null;
    let outstanding = 0;
    let sessionSeq = 0;
    const sessionLoop = (async () => {
      while (!stop && sessionOk === null) {
        if (outstanding < 200) {
          outstanding++;
          sessionClient.create(`/failover/session-${sessionSeq++}`, null, 'PERSISTENT', (r) => {
            outstanding--;
            if (r.rc === 'OK' && sessionOk === null) sessionOk = since();
          });
        }
        await sleep(POLL_MS);
      }
    })();

    // Wait for the first write, then let the other observers catch up (bounded).
    const deadline = performance.now() + GIVE_UP_MS;
    while (rawOk === null && sessionOk === null) {
      if (performance.now() > deadline) break;
      await sleep(5);
    }
    const settleUntil = performance.now() + SETTLE_MS;
    while ((rawOk === null || sessionOk === null || newLeader === null) && performance.now() < Math.min(settleUntil, deadline)) await sleep(5);
    stop = true;
    await Promise.all([rawLoop, sessionLoop, ...pollers]);
    const firstOk = minOf(rawOk, sessionOk);
    if (firstOk === null) throw new Error(`trial ${trial}: no write succeeded within ${GIVE_UP_MS} ms of killing server ${killedSid}`);

    const nl = newLeader as { sid: number; ms: number } | null;
    const logs = await readSurvivorLogs(dir, survivors, killedAt, killedSid).catch(() => null);
    return {
      trial,
      zookeeperVersion,
      dir,
      killedSid,
      newLeaderSid: nl?.sid ?? null,
      killedAt,
      firstWriteOkAt: killedAt + firstOk,
      unavailableMs: round1(firstOk),
      newLeaderAt: nl === null ? null : killedAt + nl.ms,
      newLeaderMs: nl === null ? null : round1(nl.ms),
      rawWriteOkMs: rawOk === null ? null : round1(rawOk),
      rawAttempts,
      sessionWriteOkMs: sessionOk === null ? null : round1(sessionOk),
      srvr: srvr.map((s) => ({ ...s, stoppedServingMs: roundOrNull(s.stoppedServingMs), servingAgainMs: roundOrNull(s.servingAgainMs) })),
      logs,
    };
  } finally {
    for (const c of cleanups.reverse()) await c();
    await ensembleScript(['stop', dir], env);
    // The logs and configs stay; the data dirs (preallocated transaction logs) go.
    for (let sid = 1; sid <= ENSEMBLE_SIZE; sid++) await rm(join(dir, `s${sid}`, 'data'), { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// The survivors' logs

/** "2026-11-25 07:11:57.150 [thread] LEVEL logger - message"; thread names contain brackets themselves. */
const LOG_LINE = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) \[.*?\] (?:TRACE|DEBUG|INFO|WARN|ERROR) \S+ - (.*)$/;

/** Reads the phases of the failover from the survivors' logs; times in ms after `killedAt` (wall clock). */
export async function readSurvivorLogs(dir: string, survivors: number[], killedAt: number, killedSid: number): Promise<SurvivorLog[]> {
  const out: SurvivorLog[] = [];
  for (const sid of survivors) {
    const text = await readFile(join(dir, `s${sid}`, 'zk.log'), 'utf8');
    const s: SurvivorLog = {
      sid,
      role: null,
      detectedMs: null,
      lookingMs: null,
      electionStartMs: null,
      electedMs: null,
      electionTookMs: null,
      notificationTimeouts: 0,
      answeredAsFollowing: 0,
      leaderConnectRetries: 0,
      connectedToLeaderMs: null,
      quorumMs: null,
      broadcastMs: null,
    };
    for (const line of text.split('\n')) {
      const m = LOG_LINE.exec(line);
      if (m === null) continue;
      const t = Date.parse(m[1].replace(' ', 'T') + 'Z');
      // Log times are truncated to the ms; killedAt is not: allow the kill's own millisecond.
      if (t < Math.floor(killedAt)) continue;
      const ms = t - killedAt;
      const msg = m[2];
      if (s.detectedMs === null && msg.startsWith('Exception when following the leader')) s.detectedMs = ms;
      else if (s.lookingMs === null && msg === 'Peer state changed: looking') s.lookingMs = ms;
      else if (s.electionStartMs === null && msg.startsWith('New election.')) s.electionStartMs = ms;
      else if (s.electedMs === null && (msg === 'Peer state changed: leading' || msg === 'Peer state changed: following')) {
        s.electedMs = ms;
        s.role = msg.endsWith('leading') ? 'leader' : 'follower';
      } else if (s.electionTookMs === null && /LEADER ELECTION TOOK - (\d+)/.test(msg)) {
        s.electionTookMs = Number(/LEADER ELECTION TOOK - (\d+)/.exec(msg)![1]);
      } else if (s.electedMs === null && msg.startsWith('Notification time out')) s.notificationTimeouts++;
      else if (s.electedMs === null && msg.includes(`n.state:FOLLOWING, n.leader:${killedSid},`)) s.answeredAsFollowing++;
      else if (s.connectedToLeaderMs === null && msg.startsWith('Unexpected exception, tries=')) s.leaderConnectRetries++;
      else if (s.connectedToLeaderMs === null && msg.startsWith('Successfully connected to leader')) s.connectedToLeaderMs = ms;
      else if (s.quorumMs === null && msg.startsWith('Have quorum of supporters')) s.quorumMs = ms;
      else if (s.broadcastMs === null && /^Peer state changed: (leading|following) - broadcast$/.test(msg)) s.broadcastMs = ms;
    }
    out.push(s);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// A raw write probe: one TCP connection, ConnectRequest (a new session), create, closeSession.

/**
 * Resolves true when the server at 127.0.0.1:port creates `path` for a brand-new session within
 * `timeoutMs`; false when the server closes the connection (it does so while it is not serving, e.g.
 * LOOKING), answers with an error, or is too slow. The jute records are written by hand (protocol version
 * 0, as the Java client sends them), so no client library and no reconnect policy is involved.
 */
export function rawCreate(port: number, path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    let phase: 'connect' | 'create' = 'connect';
    let pending = Buffer.alloc(0);
    const socket: Socket = connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => finish(false), timeoutMs);
    function finish(ok: boolean) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (ok) {
        // closeSession (xid 2, type -11), so the probe's session does not linger; then drop the socket.
        socket.write(frame(int32(2), int32(-11)));
        setTimeout(() => socket.destroy(), 200).unref();
      } else {
        socket.destroy();
      }
      resolve(ok);
    }
    socket.on('connect', () => {
      socket.write(
        frame(
          int32(0), // protocolVersion
          int64zero(), // lastZxidSeen
          int32(SESSION_TIMEOUT_MS / 10), // timeOut: the server clamps it to [2, 20] ticks
          int64zero(), // sessionId: new session
          buffer(Buffer.alloc(16)), // passwd
          Buffer.from([0]), // readOnly false
        ),
      );
    });
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const len = pending.readInt32BE(0);
        if (pending.length < 4 + len) return;
        const body = pending.subarray(4, 4 + len);
        pending = pending.subarray(4 + len);
        if (phase === 'connect') {
          const timeOut = body.readInt32BE(4);
          if (timeOut <= 0) return finish(false); // session refused
          phase = 'create';
          const acl = Buffer.concat([int32(1), int32(31), ustring('world'), ustring('anyone')]);
          socket.write(frame(int32(1), int32(1), ustring(path), buffer(null), acl, int32(0)));
        } else {
          const xid = body.readInt32BE(0);
          if (xid !== 1) continue; // a notification or ping reply: not ours
          const err = body.readInt32BE(12);
          return finish(err === 0);
        }
      }
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}

function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
}
function int64zero(): Buffer {
  return Buffer.alloc(8);
}
function ustring(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([int32(bytes.length), bytes]);
}
function buffer(b: Buffer | null): Buffer {
  return b === null ? int32(-1) : Buffer.concat([int32(b.length), b]);
}
function frame(...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([int32(body.length), body]);
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

/** The Mode line of `srvr` (leader, follower, ...), or null while the server does not serve. */
async function srvrMode(port: number, timeoutMs = 2000): Promise<string | null> {
  const answer = await fourLetterWord(`127.0.0.1:${port}`, 'srvr', timeoutMs);
  return /^Mode: (\S+)/m.exec(answer)?.[1] ?? null;
}

/** .ci/zk-ensemble.sh. */
export function ensembleScriptPath(): string {
  return ciScript('zk-ensemble.sh');
}

function ensembleScript(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [ensembleScriptPath(), ...args], { env, timeout: 180_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`zk-ensemble.sh ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

async function closeClient(c: RealZkClient): Promise<void> {
  if (c.state !== 'CONNECTED') return c.destroy();
  await Promise.race([call((cb) => c.close(cb)), sleep(2000).then(() => c.destroy())]);
}

function call<T = {}>(start: (cb: (r: Result<T>) => void) => void): Promise<Result<T>> {
  return new Promise((resolve) => start(resolve));
}

function must(r: Result<unknown>, what: string): void {
  if (r.rc !== 'OK') throw new Error(`failover: ${what} failed: ${r.rc}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

function roundOrNull(v: number | null): number | null {
  return v === null ? null : round1(v);
}

/** Median, min and max of numbers (median of an even count: the mean of the middle two). */
export function summarise(values: number[]): { n: number; median: number; min: number; max: number } {
  if (values.length === 0) return { n: 0, median: NaN, min: NaN, max: NaN };
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { n: s.length, median: round1(median), min: s[0], max: s[s.length - 1] };
}
