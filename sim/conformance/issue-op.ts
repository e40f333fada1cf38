/**
 * Issues one recorded op through any ZkClient. The recorder (against a real server) and the
 * replayer (against the simulator) share it, so both send exactly what the golden file says.
 */
import type { Callback, MultiOp, ZkClient } from '../client/zk-client.js';
import type { OpRecord } from './golden.js';

export type DataOp = Exclude<OpRecord, { op: 'open' } | { op: 'close' }>;

export type DataOpCall = { [K in DataOp['op']]: { op: K; args: Extract<DataOp, { op: K }>['args'] } }[DataOp['op']];

export function issueOp(client: ZkClient, op: DataOpCall, cb: Callback<Record<string, unknown>>): void {
  const done = cb as Callback<never>;
  switch (op.op) {
    case 'create':
      return client.create(op.args.path, op.args.data, op.args.mode, done);
    case 'delete':
      return client.delete(op.args.path, op.args.version, done);
    case 'setData':
      return client.setData(op.args.path, op.args.data, op.args.version, done);
    case 'getData':
      return client.getData(op.args.path, op.args.watch, done);
    case 'exists':
      return client.exists(op.args.path, op.args.watch, done);
    case 'getChildren':
      return client.getChildren(op.args.path, op.args.watch, done);
    case 'multi':
      return client.multi(op.args.ops as MultiOp[], done);
  }
}
