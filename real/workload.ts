/**
 * The seeded random workload of golden files (../shared/formats/zk-ops.md §1): which op comes next,
 * from which client slot, with which arguments. It looks at the current tree so that "right" and
 * "wrong" versions mean something, and draws from a small path space so that NODE_EXISTS, NO_NODE,
 * NOT_EMPTY, BAD_VERSION and NO_CHILDREN_FOR_EPHEMERALS are all frequent. It never mutates `/` or
 * `/zookeeper…` and never reads `/zookeeper…`.
 *
 * Only the draws of this seeded stream (and the server's answers, which are deterministic) decide the
 * ops, so a seed reproduces its op sequence on any fresh 3.8.0 server.
 */
import type { GoldenSubOp, NodeEntry } from '../sim/conformance/golden.js';
import type { DataOpCall } from '../sim/conformance/issue-op.js';
import { RandomStream } from '../sim/kernel/rng.js';

export type GeneratedOp = { client: number } & ({ op: 'open'; args: {} } | { op: 'close'; args: {} } | DataOpCall);

type Mode = 'PERSISTENT' | 'EPHEMERAL' | 'PERSISTENT_SEQUENTIAL' | 'EPHEMERAL_SEQUENTIAL';

/** Parents that usually exist (after a few creates) and names under them; /d is never created. */
const NAMES: Record<string, string[]> = {
  '/': ['a', 'c', 'e', 'f'],
  '/a': ['b', 'x', 'y'],
  '/a/b': ['p', 'q'],
  '/c': ['x', 'y', 'z'],
  '/e': ['k'],
  '/d': ['x'],
};
const PARENTS = Object.keys(NAMES);
/** How often each parent is drawn (same order as PARENTS): shallow ones more, so not everything is NO_NODE. */
const PARENT_WEIGHTS = [35, 20, 10, 20, 10, 5];
const SEQ_PREFIXES = ['s-', 'q'];

export class WorkloadGenerator {
  private readonly rng: RandomStream;

  constructor(
    seed: number,
    readonly clients: number,
  ) {
    this.rng = new RandomStream('zk-conformance-workload', String(seed));
  }

  /**
   * The op after the first `clients` opens. `open[slot]` says whether the slot holds a session; `tree`
   * is the current tree without `/zookeeper…`, keyed by path.
   */
  next(open: readonly boolean[], tree: ReadonlyMap<string, NodeEntry>): GeneratedOp {
    const client = this.rng.int(this.clients);
    if (!open[client]) return { client, op: 'open', args: {} };
    const r = this.rng.int(100);
    if (r < 3) return { client, op: 'close', args: {} };
    if (r < 28) return { client, op: 'create', args: this.create(tree) };
    if (r < 40) {
      const path = this.target(tree);
      return { client, op: 'delete', args: { path, version: this.version(tree, path, false) } };
    }
    if (r < 53) {
      const path = this.target(tree);
      return { client, op: 'setData', args: { path, data: this.data(), version: this.version(tree, path, true) } };
    }
    if (r < 63) return { client, op: 'getData', args: { path: this.target(tree, true), watch: this.watch() } };
    if (r < 73) return { client, op: 'exists', args: { path: this.target(tree, true), watch: this.watch() } };
    if (r < 83) return { client, op: 'getChildren', args: { path: this.readParent(tree), watch: this.watch() } };
    return { client, op: 'multi', args: { ops: this.multiOps(tree) } };
  }

  private create(tree: ReadonlyMap<string, NodeEntry>): { path: string; data: string | null; mode: Mode } {
    const r = this.rng.int(100);
    const mode: Mode = r < 40 ? 'PERSISTENT' : r < 65 ? 'EPHEMERAL' : r < 85 ? 'PERSISTENT_SEQUENTIAL' : 'EPHEMERAL_SEQUENTIAL';
    // Now and then a child of an existing (maybe ephemeral, maybe sequential) node.
    let parent = this.rng.int(4) === 0 ? this.existing(tree) ?? this.parent() : this.parent();
    // Mostly grow towards a missing parent instead, so the tree gets deep enough for NOT_EMPTY and events.
    while (parent !== '/' && !tree.has(parent) && this.rng.int(10) < 6) parent = parentOf(parent);
    const name = mode.endsWith('SEQUENTIAL') ? this.rng.pick(SEQ_PREFIXES) : this.rng.pick(NAMES[parent] ?? ['n', 'm']);
    return { path: join(parent, name), data: this.data(), mode };
  }

  /**
   * A path to delete or write (or, with `readable`, to read; only then can it be `/`): mostly from the
   * fixed space, often an existing node (sequential ones too).
   */
  private target(tree: ReadonlyMap<string, NodeEntry>, readable = false): string {
    if (readable && this.rng.int(12) === 0) return '/';
    if (this.rng.int(3) < 2) {
      const e = this.existing(tree);
      if (e !== undefined) return e;
    }
    const parent = this.parent();
    if (parent !== '/' && this.rng.int(4) === 0) return parent;
    return join(parent, this.rng.pick(NAMES[parent]));
  }

  private readParent(tree: ReadonlyMap<string, NodeEntry>): string {
    const r = this.rng.int(10);
    if (r < 3) return '/';
    if (r < 5) return this.existing(tree) ?? '/';
    return this.rng.pick(PARENTS.filter((p) => p !== '/'));
  }

  private parent(): string {
    let r = this.rng.int(100);
    for (let k = 0; k < PARENTS.length; k++) {
      r -= PARENT_WEIGHTS[k];
      if (r < 0) return PARENTS[k];
    }
    return '/';
  }

  /** An existing node other than `/`, or undefined when there is none. */
  private existing(tree: ReadonlyMap<string, NodeEntry>): string | undefined {
    const paths = [...tree.keys()].filter((p) => p !== '/');
    return paths.length === 0 ? undefined : this.rng.pick(paths);
  }

  /** -1 (any), the node's current version, a wrong one, or (for setData) 0 explicitly. */
  private version(tree: ReadonlyMap<string, NodeEntry>, path: string, allowZero: boolean): number {
    const current = tree.get(path)?.stat.version ?? 0;
    const r = this.rng.int(100);
    if (r < 35) return -1;
    if (r < 70) return current;
    if (allowZero && r < 82) return 0;
    return current + 1 + this.rng.int(2);
  }

  private data(): string | null {
    const r = this.rng.int(10);
    if (r === 0) return null;
    if (r === 1) return '';
    return `v${this.rng.int(1000)}`;
  }

  private watch(): boolean {
    return this.rng.int(10) < 7;
  }

  private multiOps(tree: ReadonlyMap<string, NodeEntry>): GoldenSubOp[] {
    const n = this.rng.int(5); // 0..4, so empty multis occur too
    const ops: GoldenSubOp[] = [];
    for (let k = 0; k < n; k++) {
      const r = this.rng.int(100);
      if (r < 35) ops.push({ op: 'create', ...this.create(tree) });
      else if (r < 55) {
        const path = this.target(tree);
        ops.push({ op: 'delete', path, version: this.version(tree, path, false) });
      } else if (r < 75) {
        const path = this.target(tree);
        ops.push({ op: 'setData', path, data: this.data(), version: this.version(tree, path, true) });
      } else {
        const path = this.target(tree);
        ops.push({ op: 'check', path, version: this.version(tree, path, true) });
      }
    }
    return ops;
  }
}

function parentOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

function join(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}
