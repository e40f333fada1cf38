// Requests that overlap in the server's pipeline (prepared, waiting for one fsync) — the cases the
// sequential golden files cannot reach.
import { describe, expect, it } from 'vitest';
import { standalone } from './helpers/zk.js';

const slowFsync = { disk: { fsyncLatency: { minTicks: 100, maxTicks: 100 } } };

describe('the write pipeline', () => {
  it('a close does not delete a node another session created at a path this session deleted', () => {
    const { zw, h, op } = standalone(2, slowFsync);
    op(0, (c, d) => c.create('/lock', null, 'EPHEMERAL', d));
    const results: string[] = [];
    zw.call('c1', () => h[0].delete('/lock', -1, (r) => results.push(`delete ${r.rc}`)));
    zw.advance(10);
    zw.call('c2', () => h[1].create('/lock', null, 'EPHEMERAL', (r) => results.push(`create ${r.rc}`)));
    zw.advance(10);
    zw.call('c1', () => h[0].close((r) => results.push(`close ${r.rc}`)));
    zw.runUntil(() => results.length === 3);
    expect(results.sort()).toEqual(['close OK', 'create OK', 'delete OK']);
    expect(op(1, (c, d) => c.exists('/lock', false, d)).stat.ephemeralOwner).toBe(h[1].sessionId);
  });

  it('a read waits for writes of other sessions that were prepared before it', () => {
    const { zw, h, op } = standalone(2, slowFsync);
    op(0, (c, d) => c.create('/v', 'old', 'PERSISTENT', d));
    let written = false;
    zw.call('c1', () => h[0].setData('/v', 'new', -1, () => (written = true)));
    zw.advance(10); // prepared, waiting for its fsync
    expect(written).toBe(false);
    const r = op(1, (c, d) => c.getData('/v', false, d));
    expect(r.data).toBe('new');
  });

  it('the reaper reaps a container again after it was re-created at the same path', () => {
    const { zw, op } = standalone(1, { server: { containerCheckIntervalMs: 1000 } });
    for (let round = 0; round < 2; round++) {
      expect(op(0, (c, d) => c.create('/box', null, 'CONTAINER', d)).rc).toBe('OK');
      op(0, (c, d) => c.create('/box/x', null, 'PERSISTENT', d));
      op(0, (c, d) => c.delete('/box/x', -1, d));
      zw.advance(2500);
      expect(op(0, (c, d) => c.exists('/box', false, d)).rc, `round ${round}`).toBe('NO_NODE');
    }
  });
});

describe('recovery', () => {
  it('a log record that fails its checksum stops the server from starting, as ZooKeeper does', () => {
    const { zw, op } = standalone(1);
    for (let i = 0; i < 5; i++) op(0, (c, d) => c.create(`/n${i}`, null, 'PERSISTENT', d));
    const log = zw.world.host('s1').disk.view().files().find((f) => f.startsWith('log.'))!;
    zw.fault({ kind: 'corrupt-record', node: 's1', file: log });
    zw.fault({ kind: 'crash', node: 's1', mode: 'process', restartAfterTicks: 10 });
    zw.advance(100);
    expect(zw.world.role('s1')).toBe('halted');
  });

  it('a restart writes a snapshot of what it loaded', () => {
    const { zw, op } = standalone(1);
    op(0, (c, d) => c.create('/a', null, 'PERSISTENT', d));
    const snaps = () => zw.world.host('s1').disk.view().files().filter((f) => f.startsWith('snapshot.'));
    const before = snaps().length;
    zw.fault({ kind: 'crash', node: 's1', mode: 'process', restartAfterTicks: 10 });
    zw.advance(100);
    expect(snaps().length).toBe(before + 1);
  });
});
