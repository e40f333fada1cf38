/**
 * A znode history (zksim's `znode` model) as a Jepsen EDN history, for Jepsen-side tooling: one
 * op map per event, invocation then completion, in time order. Jepsen has no znode model, so the
 * ops follow its "independent keys" convention: `:value [path v]`, with `:f` one of :create
 * :delete :set :get :exists :expire; a failure is `:fail` with `:error` (:node-exists, :no-node,
 * :bad-version, :not-empty); an op whose outcome is unknown completes `:info` after everything, as
 * Jepsen closes a crashed op. zksim's own extras ride along as keys Jepsen ignores: `:session`,
 * `:zxid` and `:consistency` (`:sequential` for a plain ZooKeeper read, which may be stale).
 * zksim reads histories back from the JSON form (`--history`), not from this one.
 */
import { toEDNString, toKeyword, type EDNVal } from 'edn-data';
import type { History } from '../check/linearizability/history.js';


export function znodeHistoryToEdn(h: History): string {
  if (h.model !== 'znode') throw new Error(`${h.name}: znodeHistoryToEdn writes znode histories, not ${h.model}`);
  const events: { op: number; invoke: boolean; time: number }[] = [];
  const atEnd: number[] = [];
  h.ops.forEach((op, i) => {
    events.push({ op: i, invoke: true, time: op.call });
    if (op.pending) atEnd.push(i);
    else events.push({ op: i, invoke: false, time: op.return });
  });
  // Touching intervals stay concurrent: at equal times invocations go first.
  events.sort((a, b) => a.time - b.time || Number(b.invoke) - Number(a.invoke) || a.op - b.op);
  atEnd.sort((a, b) => h.ops[a].call - h.ops[b].call || a - b);
  for (const op of atEnd) events.push({ op, invoke: false, time: h.ops[op].return });
  const lines = events.map((e) => {
    const op = h.ops[e.op];
    const { input, output } = op;
    const type = e.invoke ? 'invoke' : op.pending ? 'info' : output.status === 'ok' ? 'ok' : output.status === 'fail' ? 'fail' : 'info';
    const written = input.f === 'create' || input.f === 'set' ? (input.value ?? null) : null;
    const read = !e.invoke && type === 'ok' && input.f === 'get' ? (output.value ?? null) : null;
    const fields: [string, EDNVal][] = [
      ['type', toKeyword(type)],
      ['f', toKeyword(input.f)],
      ['value', [input.key ?? '', input.f === 'get' ? read : written]],
      ['process', op.client],
      ['time', e.time],
    ];
    if (input.version !== undefined && input.version !== -1) fields.push(['version', input.version]);
    if (!e.invoke && output.version !== undefined) fields.push(['stat-version', output.version]);
    if (!e.invoke && type === 'fail' && output.rc !== undefined) fields.push(['error', toKeyword(output.rc.toLowerCase().replace(/_/g, '-'))]);
    if (input.session !== undefined) fields.push(['session', input.session]);
    if (!e.invoke && op.zxid !== undefined) fields.push(['zxid', op.zxid]);
    if (op.consistency !== undefined) fields.push(['consistency', toKeyword(op.consistency)]);
    return `{${fields.map(([k, v]) => `:${k} ${toEDNString(v)}`).join(', ')}}`;
  });
  return `; ${h.name}: a ZooKeeper znode history written by zksim (ops on [path value] pairs)\n[${lines.join('\n ')}]\n`;
}
