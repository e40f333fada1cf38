import type { NodeId, PortName } from '../contract/node.js';

/**
 * `block`: nothing gets through (a partition). Datagrams are dropped; connection data waits in
 * the sender's TCP buffer and the connection breaks if the sender's TCP gives up.
 * `clog`: everything waits and gets through, in order, when the clog is lifted.
 */
export type LinkEffect = 'block' | 'clog';
export type LinkState = 'open' | 'blocked' | 'clogged';

export interface LinkRule {
  id: number;
  /** The fault that made this rule; healing the fault removes all of its rules. */
  faultId: number;
  from: ReadonlySet<NodeId>;
  to: ReadonlySet<NodeId>;
  /** Ports affected; null means every port. */
  ports: ReadonlySet<PortName> | null;
  effect: LinkEffect;
}

/** The directed links currently cut or clogged. A link is (from, to, port). */
export class Links {
  private rules: LinkRule[] = [];

  get active(): readonly LinkRule[] {
    return this.rules;
  }

  add(rule: LinkRule): void {
    this.rules.push(rule);
  }

  remove(ruleId: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== ruleId);
    return this.rules.length !== before;
  }

  removeFault(faultId: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.faultId !== faultId);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  state(from: NodeId, to: NodeId, port: PortName): LinkState {
    const rules = this.rules;
    if (rules.length === 0) return 'open';
    let clogged = false;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      if (!r.from.has(from) || !r.to.has(to)) continue;
      if (r.ports !== null && !r.ports.has(port)) continue;
      if (r.effect === 'block') return 'blocked';
      clogged = true;
    }
    return clogged ? 'clogged' : 'open';
  }
}
