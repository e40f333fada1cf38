/**
 * Concurrent histories in zksim's interchange format (../shared/formats/history.md, version 1):
 * what the linearizability checker reads and `zksim run --history` writes. zksim adds one model,
 * `znode` (a ZooKeeper znode per path as a versioned register, README "The znode model"), with
 * its own ops and fields; the three shared models are as the format describes them.
 */
import { z } from 'zod';
import { JsonFileError, readJson, validate } from '../../formats/json-file.js';

export const HISTORY_MODELS = ['register', 'cas-register', 'kv', 'znode'] as const;
export type HistoryModelName = (typeof HISTORY_MODELS)[number];

export const REGISTER_FS = ['read', 'write', 'cas', 'append'] as const;
/** znode ops; `expire` is the server closing a session (its ephemerals go), not a client's op. */
export const ZNODE_FS = ['create', 'delete', 'set', 'get', 'exists', 'expire'] as const;
/** The error answers of the znode model: observations of the state, like a read. */
export const ZNODE_RCS = ['NODE_EXISTS', 'NO_NODE', 'BAD_VERSION', 'NOT_EMPTY'] as const;

const Input = z.strictObject({
  f: z.enum([...REGISTER_FS, ...ZNODE_FS]),
  /** kv key, or znode path. */
  key: z.string().optional(),
  value: z.union([z.number(), z.string(), z.null()]).optional(),
  from: z.number().optional(),
  to: z.number().optional(),
  /** znode: expected version of set/delete (-1 or absent: any). */
  version: z.number().int().optional(),
  /** znode: the session that owns an ephemeral create, or the session an `expire` closes. */
  session: z.string().optional(),
});

const Output = z.strictObject({
  status: z.enum(['ok', 'fail', 'unknown']),
  value: z.union([z.number(), z.string(), z.null()]).optional(),
  /** znode: the error a `fail` answered. */
  rc: z.enum(ZNODE_RCS).optional(),
  /** znode: the data version in the answer's stat (get, exists, set). */
  version: z.number().int().optional(),
});

export const HistoryOpSchema = z.strictObject({
  client: z.number().int(),
  call: z.number().int(),
  return: z.number().int(),
  input: Input,
  output: Output,
  pending: z.literal(true).optional(),
  /**
   * A read's promise: absent = linearizable; `sequential` = a plain ZooKeeper read, which may be
   * stale (the linearizability checker skips it; the session checks judge it); `sync` = a read
   * right after the session's sync, checked as linearizable (which ZooKeeper does not quite promise).
   */
  consistency: z.enum(['sequential', 'sync']).optional(),
  /** zxid of the reply header (as a decimal string: 64 bits), for the session checks. */
  zxid: z.string().optional(),
});
export type HistoryOp = z.infer<typeof HistoryOpSchema>;

export const HistorySchema = z.strictObject({
  version: z.literal(1),
  name: z.string(),
  source: z.string().optional(),
  model: z.enum(HISTORY_MODELS),
  init: z.union([z.number(), z.string(), z.null()]),
  expected: z.boolean().optional(),
  ops: z.array(HistoryOpSchema),
});
export type History = z.infer<typeof HistorySchema>;

export class HistoryFormatError extends JsonFileError {
  override name = 'HistoryFormatError';
}

/** Parses and validates a history; errors name the file, the op index and the field. */
export function parseHistory(text: string, file: string): History {
  const fail = (field: string, problem: string, opIndex?: number): never => {
    throw new HistoryFormatError(file, field, problem, opIndex);
  };
  const json = readJson(text, fail);
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version !== 1) fail('version', `${version} is not supported; this zksim reads version 1`);
  const h = validate(HistorySchema, json, fail);
  if (h.model === 'znode' && h.init !== null) fail('init', `${JSON.stringify(h.init)}: a znode history starts with every path absent, so init is null`);
  h.ops.forEach((op, i) => {
    if (op.return < op.call) throw new HistoryFormatError(file, `ops[${i}].return`, `${op.return} is before the call at ${op.call}`, i);
    if (h.model === 'kv' && op.input.key === undefined) throw new HistoryFormatError(file, `ops[${i}].input.key`, 'missing: every kv op names its key', i);
    if (op.input.f === 'cas' && (op.input.from === undefined || op.input.to === undefined)) {
      throw new HistoryFormatError(file, `ops[${i}].input`, 'a cas needs "from" and "to"', i);
    }
    const znodeOp = (ZNODE_FS as readonly string[]).includes(op.input.f);
    if (op.input.session === '') throw new HistoryFormatError(file, `ops[${i}].input.session`, 'empty: a session id names a session (persistent nodes have none: leave it out)', i);
    if (h.model === 'znode') {
      if (!znodeOp) throw new HistoryFormatError(file, `ops[${i}].input.f`, `"${op.input.f}" is not a znode op; use one of ${ZNODE_FS.join(', ')}`, i);
      if (op.input.key === undefined) throw new HistoryFormatError(file, `ops[${i}].input.key`, 'missing: every znode op names its path', i);
      if (op.input.f === 'expire' && op.input.session === undefined) throw new HistoryFormatError(file, `ops[${i}].input.session`, 'missing: an expire names the session it closes', i);
      if (op.output.status === 'fail' && op.output.rc === undefined) throw new HistoryFormatError(file, `ops[${i}].output.rc`, `missing: a failed znode op says which error (${ZNODE_RCS.join(', ')})`, i);
    } else if (znodeOp) {
      throw new HistoryFormatError(file, `ops[${i}].input.f`, `"${op.input.f}" is a znode op; the ${h.model} model has ${REGISTER_FS.join(', ')}`, i);
    }
  });
  return h;
}
