/**
 * The simulator's half of the failover fidelity check (docs/fidelity-failover.md): a 3-server
 * ensemble with the real test's settings (tickTime 2000, initLimit 10, syncLimit 5, loopback-like
 * latency), SIGKILL of the leader (a process crash: the kernel closes its sockets), then a write
 * tried every 20 ms until one commits.
 */
import { EnsembleWorld } from './ensemble-world.js';

export interface SimFailoverTrial {
  seed: string;
  killed: string;
  newLeader: string;
  /** ms from the kill until the new leader served (established, in BROADCAST). */
  newLeaderAfterMs: number;
  /** ms from the kill until a write tried every 20 ms first committed. */
  unavailableMs: number;
  /** Election poll timeouts on the survivors after the kill (a lost first vote costs one). */
  pollTimeouts: number;
  /** Learner connects refused because the new leader was not listening yet (retried after 100 ms). */
  connectRetries: number;
}

export function simulateFailover(seed: string): SimFailoverTrial {
  const ew = new EnsembleWorld({
    seed,
    servers: 3,
    network: { latency: { minTicks: 0, maxTicks: 1, tailPpm: 0, tailMaxTicks: 1 } },
    disk: { fsyncLatency: { minTicks: 1, maxTicks: 4 } },
  });
  ew.runUntil(() => ew.settled(), 60_000);
  // A few seconds of normal service first, as the real trials do.
  for (let i = 0; i < 5; i++) ew.write({ op: 'create', path: `/warm${i}`, data: 'x', mode: 'PERSISTENT' });
  ew.advance(2000 + ew.kernel.rng('failover').int(2000));
  const killed = ew.leader()!;
  const killedAt = ew.now;
  let pollTimeouts = 0;
  let connectRetries = 0;
  ew.trace.subscribe((e) => {
    if (e.kind !== 'timer' || e.at < killedAt) return;
    if (e.timer === 'fle:poll') pollTimeouts++;
    if (e.timer === 'zab:connect-retry') connectRetries++;
  });
  ew.fault({ kind: 'crash', node: killed, mode: 'process' });
  let newLeaderAt: number | undefined;
  let committedAt: number | undefined;
  let n = 0;
  while (committedAt === undefined && ew.now < killedAt + 120_000) {
    ew.write({ op: 'create', path: `/probe${n++}`, data: 'x', mode: 'PERSISTENT' }, () => (committedAt ??= ew.now));
    const until = ew.now + 20;
    ew.runUntil(() => {
      if (newLeaderAt === undefined && ew.leader() !== undefined) newLeaderAt = ew.now;
      return committedAt !== undefined || ew.now >= until;
    }, 20);
  }
  return {
    seed,
    killed,
    newLeader: ew.leader() ?? '?',
    newLeaderAfterMs: (newLeaderAt ?? Number.NaN) - killedAt,
    unavailableMs: (committedAt ?? Number.NaN) - killedAt,
    pollTimeouts,
    connectRetries,
  };
}
