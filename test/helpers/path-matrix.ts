/**
 * Bad (and odd) paths through every single-path operation, in a fixed order on a server that has
 * just "/a": what a real ZooKeeper 3.8.0 answers, recorded with the real back end (raw requests,
 * no client-side validation). Several answers are NO_NODE, not BAD_ARGUMENTS: the server looks up
 * the parent ("/a/" for "/a//b") before it validates the whole path, and reads only look up.
 */
import type { ZkPromises } from '../../sim/client/zk-client.js';

export const MATRIX_PATHS = ['a', '', '/a/', '/a//b', '/a/./b', '/a/../b', '/a/.', '/a/..', '/.', '/a\u0001', '/a\u0000b', '//', '/zookeeper', '/a/b/', '/a\ud800'];
export const MATRIX_OPS = ['create', 'createSeq', 'delete', 'setData', 'getData', 'exists', 'getChildren'] as const;

/** Runs the matrix; returns "path op → rc" lines in order. */
export async function runPathMatrix(c: Pick<ZkPromises, 'create' | 'delete' | 'setData' | 'getData' | 'exists' | 'getChildren'>): Promise<string[]> {
  await c.create('/a', null, 'PERSISTENT');
  const out: string[] = [];
  for (const p of MATRIX_PATHS) {
    const ops: Record<(typeof MATRIX_OPS)[number], () => Promise<{ rc: string }>> = {
      create: () => c.create(p, null, 'PERSISTENT'),
      createSeq: () => c.create(p, null, 'PERSISTENT_SEQUENTIAL'),
      delete: () => c.delete(p, -1),
      setData: () => c.setData(p, 'x', -1),
      getData: () => c.getData(p),
      exists: () => c.exists(p),
      getChildren: () => c.getChildren(p),
    };
    for (const op of MATRIX_OPS) out.push(`${JSON.stringify(p)} ${op} → ${(await ops[op]()).rc}`);
  }
  return out;
}

const B = 'BAD_ARGUMENTS';
const N = 'NO_NODE';
/** Recorded from ZooKeeper 3.8.0 (Debian), one row per path, columns in MATRIX_OPS order. */
const REAL: Record<string, string[]> = {
  a: [B, B, B, B, N, N, N],
  '': [B, B, B, B, 'OK', 'OK', 'OK'],
  '/a/': [B, 'OK', N, B, N, N, N],
  '/a//b': [N, N, N, B, N, N, N],
  '/a/./b': [N, N, N, B, N, N, N],
  '/a/../b': [N, N, N, B, N, N, N],
  '/a/.': [B, 'OK', N, B, N, N, N],
  '/a/..': [B, 'OK', N, B, N, N, N],
  '/.': [B, 'OK', N, B, N, N, N],
  '/a\u0001': [B, B, N, B, N, N, N],
  '/a\u0000b': [B, B, B, B, N, B, N],
  '//': [B, B, N, B, N, N, N],
  '/zookeeper': ['NODE_EXISTS', 'OK', B, 'OK', 'OK', 'OK', 'OK'],
  '/a/b/': [N, N, N, B, N, N, N],
  '/a\ud800': [B, B, N, B, N, N, N],
};

export const REAL_3_8_0: string[] = MATRIX_PATHS.flatMap((p) => MATRIX_OPS.map((op, i) => `${JSON.stringify(p)} ${op} → ${REAL[p][i]}`));
