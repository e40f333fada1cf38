import { describe, expect, it } from 'vitest';
import { ZkWorld } from '../sim/harness/zk-world.js';
import type { SimZkClient } from '../sim/client/sim-client.js';

describe('standalone smoke', () => {
  it('connects, creates, reads', () => {
    const w = new ZkWorld({ clients: ['c1'] });
    let h!: SimZkClient;
    w.call('c1', (p) => (h = p.connect()));
    w.runUntil(() => h.state === 'CONNECTED');
    const r = w.perform('c1', (_p, done) => h.create('/a', 'x', 'PERSISTENT', done));
    expect(r).toEqual({ rc: 'OK', path: '/a' });
    const g = w.perform<{ rc: string }>('c1', (_p, done) => h.getData('/a', false, done));
    console.log(JSON.stringify(g));
    expect(g.rc).toBe('OK');
  });
});
