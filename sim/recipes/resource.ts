/**
 * A simulated resource service (a storage server a lock protects): lock holders send it writes as
 * datagrams, tagged with their fencing token. Fenced, it keeps the largest token it has seen and
 * rejects any write with a smaller one — a stale holder (paused past its session, say) cannot
 * overwrite a newer holder's work. Unfenced, it accepts everything. Every write is noted, so the
 * lock safety checker can see which writes the resource accepted, and in what token order.
 */
import type { Effect, Input, NodeProgram, Step } from '../contract/node.js';

export const RESOURCE_PORT = 'resource';

export interface ResourceWrite {
  t: 'write';
  client: string;
  token: number;
  /** The client's write number within its hold. */
  n: number;
}

export interface ResourceNote {
  client: string;
  token: number;
  n: number;
  accepted: boolean;
  /** The largest token accepted before this write. */
  highest: number;
  fenced: boolean;
}

interface ResourceState {
  highest: number;
}

export function resourceProgram(fenced: boolean): NodeProgram<ResourceState, unknown> {
  return {
    boot: () => ({ state: { highest: -1 }, effects: [] }),
    step(state: ResourceState, input: Input<unknown>): Step<ResourceState, unknown> {
      if (input.kind !== 'datagram' || (input.msg as { t?: string }).t !== 'write') return { state, effects: [] };
      const w = input.msg as ResourceWrite;
      const accepted = !fenced || w.token >= state.highest;
      const note: ResourceNote = { client: w.client, token: w.token, n: w.n, accepted, highest: state.highest, fenced };
      const effects: Effect<unknown>[] = [{ kind: 'note', text: `${accepted ? 'accepts' : 'rejects (stale token)'} write ${w.n} of ${w.client} with token ${w.token}`, data: { resource: note } }];
      return { state: accepted ? { highest: Math.max(state.highest, w.token) } : state, effects };
    },
    inspect: () => ({ role: 'resource' }),
  };
}
