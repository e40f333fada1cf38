/**
 * Golden files (`zk-conformance-golden/1`, ../shared/formats/zk-ops.md): one seeded op sequence as
 * a real ZooKeeper 3.8 server answered it. Parsing checks every field, so a malformed file is
 * refused with its name, the op index and the field, never half-replayed.
 */
import { z } from 'zod';
import { JsonFileError, readJson, validate } from '../formats/json-file.js';


export const GOLDEN_FORMAT = 'zk-conformance-golden/1';

const data = z.string().nullable();
const version = z.number().int();
const path = z.string();
const createMode = z.enum(['PERSISTENT', 'EPHEMERAL', 'PERSISTENT_SEQUENTIAL', 'EPHEMERAL_SEQUENTIAL']);

export const GoldenStatSchema = z.strictObject({
  czxid: z.number().int(),
  mzxid: z.number().int(),
  pzxid: z.number().int(),
  version: z.number().int(),
  cversion: z.number().int(),
  aversion: z.number().int(),
  ephemeralOwner: z.number().int().nullable(),
  dataLength: z.number().int(),
  numChildren: z.number().int(),
  ephemeralOwnerIsSelf: z.boolean().optional(),
});
export type GoldenStat = z.infer<typeof GoldenStatSchema>;

export const NodeEntrySchema = z.strictObject({ path, data, stat: GoldenStatSchema });
export type NodeEntry = z.infer<typeof NodeEntrySchema>;

export const SubOpSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('create'), path, data, mode: createMode }),
  z.strictObject({ op: z.literal('delete'), path, version }),
  z.strictObject({ op: z.literal('setData'), path, data, version }),
  z.strictObject({ op: z.literal('check'), path, version }),
]);
export type GoldenSubOp = z.infer<typeof SubOpSchema>;

const rcName = z.string().regex(/^[A-Z_]+$/);
const Failure = z.strictObject({ rc: rcName.refine((s) => s !== 'OK', 'an error name'), code: z.number().int() });

const SubResultSchema = z.union([
  z.strictObject({ type: z.literal('create'), rc: z.literal('OK'), path }),
  z.strictObject({ type: z.literal('delete'), rc: z.literal('OK') }),
  z.strictObject({ type: z.literal('setData'), rc: z.literal('OK'), stat: GoldenStatSchema }),
  z.strictObject({ type: z.literal('check'), rc: z.literal('OK') }),
  z.strictObject({ type: z.literal('error'), rc: rcName, code: z.number().int() }),
]);

export const GoldenResultSchema = z.union([
  Failure,
  z.strictObject({ rc: z.literal('OK') }),
  z.strictObject({ rc: z.literal('OK'), path }),
  z.strictObject({ rc: z.literal('OK'), stat: GoldenStatSchema }),
  z.strictObject({ rc: z.literal('OK'), data, stat: GoldenStatSchema }),
  z.strictObject({ rc: z.literal('OK'), children: z.array(z.string()), stat: GoldenStatSchema }),
  z.strictObject({
    rc: z.literal('OK'),
    results: z.array(SubResultSchema),
    committed: z.boolean(),
    failedIndex: z.number().int().optional(),
    firstError: rcName.optional(),
  }),
]);
export type GoldenResult = z.infer<typeof GoldenResultSchema>;

export const GoldenEventSchema = z.strictObject({
  client: z.number().int(),
  session: z.number().int(),
  type: z.enum(['NODE_CREATED', 'NODE_DELETED', 'NODE_DATA_CHANGED', 'NODE_CHILDREN_CHANGED']),
  path,
});
export type GoldenEvent = z.infer<typeof GoldenEventSchema>;

const common = {
  i: z.number().int().nonnegative(),
  client: z.number().int().nonnegative(),
  session: z.number().int().nonnegative(),
  result: GoldenResultSchema,
  zxid: z.number().int().optional(),
  events: z.array(GoldenEventSchema),
  delta: z.strictObject({ set: z.array(NodeEntrySchema), removed: z.array(path) }),
};
export const OpRecordSchema = z.discriminatedUnion('op', [
  z.strictObject({ ...common, op: z.literal('open'), args: z.strictObject({}) }),
  z.strictObject({ ...common, op: z.literal('close'), args: z.strictObject({}) }),
  z.strictObject({ ...common, op: z.literal('create'), args: z.strictObject({ path, data, mode: createMode }) }),
  z.strictObject({ ...common, op: z.literal('delete'), args: z.strictObject({ path, version }) }),
  z.strictObject({ ...common, op: z.literal('setData'), args: z.strictObject({ path, data, version }) }),
  z.strictObject({ ...common, op: z.literal('getData'), args: z.strictObject({ path, watch: z.boolean() }) }),
  z.strictObject({ ...common, op: z.literal('exists'), args: z.strictObject({ path, watch: z.boolean() }) }),
  z.strictObject({ ...common, op: z.literal('getChildren'), args: z.strictObject({ path, watch: z.boolean() }) }),
  z.strictObject({ ...common, op: z.literal('multi'), args: z.strictObject({ ops: z.array(SubOpSchema) }) }),
]);
export type OpRecord = z.infer<typeof OpRecordSchema>;
export type OpName = OpRecord['op'];
export const TRANSACTION_OPS: ReadonlySet<OpName> = new Set(['open', 'close', 'create', 'delete', 'setData', 'multi']);

export const GoldenFileSchema = z.strictObject({
  format: z.literal(GOLDEN_FORMAT),
  seed: z.number().int(),
  length: z.number().int().nonnegative(),
  clients: z.number().int().min(1).max(3),
  server: z.strictObject({ implementation: z.string(), version: z.string(), mode: z.string(), fresh: z.boolean() }),
  sessions: z.array(
    z.strictObject({
      label: z.number().int().nonnegative(),
      client: z.number().int().nonnegative(),
      openedAt: z.number().int().nonnegative(),
      closedAt: z.number().int().nonnegative().nullable(),
    }),
  ),
  initialTree: z.array(NodeEntrySchema),
  ops: z.array(OpRecordSchema),
  finalTree: z.array(NodeEntrySchema),
});
export type GoldenFile = z.infer<typeof GoldenFileSchema>;

/** A golden file that cannot be used; `field` is a JSON path such as `ops[14].args.version`. */
export class GoldenFormatError extends JsonFileError {
  override name = 'GoldenFormatError';
}

/** Parses and validates a golden file; throws GoldenFormatError naming the file, op index and field. */
export function parseGolden(text: string, file: string): GoldenFile {
  const fail = (field: string, problem: string, opIndex?: number): never => {
    throw new GoldenFormatError(file, field, problem, opIndex);
  };
  const json = readJson(text, fail, '; a golden file is one JSON object');
  const formatValue = (json as { format?: unknown } | null)?.format;
  if (typeof formatValue === 'string' && formatValue !== GOLDEN_FORMAT) {
    fail('format', `"${formatValue}" is not supported; this zksim reads "${GOLDEN_FORMAT}"`);
  }
  const g = validate(GoldenFileSchema, json, fail);
  if (g.length !== g.ops.length) throw new GoldenFormatError(file, 'length', `says ${g.length} but ops has ${g.ops.length} entries`);
  g.ops.forEach((op, i) => {
    if (op.i !== i) throw new GoldenFormatError(file, `ops[${i}].i`, `is ${op.i}; ops must be numbered 0, 1, 2, … in order`, i);
    if (op.client >= g.clients) throw new GoldenFormatError(file, `ops[${i}].client`, `slot ${op.client} but the file has ${g.clients} client slot(s)`, i);
    if (TRANSACTION_OPS.has(op.op) !== (op.zxid !== undefined)) {
      throw new GoldenFormatError(file, `ops[${i}].zxid`, TRANSACTION_OPS.has(op.op) ? `missing; ${op.op} is a transaction` : `present on the read ${op.op}`, i);
    }
  });
  return g;
}

/** Writes a golden file as the format asks: one object, every array element on its own line. */
export function formatGolden(g: GoldenFile): string {
  const arr = (items: readonly unknown[]) => (items.length === 0 ? '[]' : `[\n${items.map((x) => JSON.stringify(x)).join(',\n')}\n]`);
  const head = { format: g.format, seed: g.seed, length: g.length, clients: g.clients, server: g.server };
  const lines = Object.entries(head).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  lines.push(`"sessions":${arr(g.sessions)}`, `"initialTree":${arr(g.initialTree)}`, `"ops":${arr(g.ops)}`, `"finalTree":${arr(g.finalTree)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

