/**
 * Concurrent histories in zksim's interchange format (../shared/formats/history.md, version 1):
 * what the linearizability checker reads and `zksim run` will write.
 */
import { z } from 'zod';
import { JsonFileError, readJson, validate } from '../../formats/json-file.js';

export const HISTORY_MODELS = ['register', 'cas-register', 'kv'] as const;
export type HistoryModelName = (typeof HISTORY_MODELS)[number];

const Input = z.strictObject({
  f: z.enum(['read', 'write', 'cas', 'append']),
  key: z.string().optional(),
  value: z.union([z.number(), z.string(), z.null()]).optional(),
  from: z.number().optional(),
  to: z.number().optional(),
});

const Output = z.strictObject({
  status: z.enum(['ok', 'fail', 'unknown']),
  value: z.union([z.number(), z.string(), z.null()]).optional(),
});

export const HistoryOpSchema = z.strictObject({
  client: z.number().int(),
  call: z.number().int(),
  return: z.number().int(),
  input: Input,
  output: Output,
  pending: z.literal(true).optional(),
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
  h.ops.forEach((op, i) => {
    if (op.return < op.call) throw new HistoryFormatError(file, `ops[${i}].return`, `${op.return} is before the call at ${op.call}`, i);
    if (h.model === 'kv' && op.input.key === undefined) throw new HistoryFormatError(file, `ops[${i}].input.key`, 'missing: every kv op names its key', i);
    if (op.input.f === 'cas' && (op.input.from === undefined || op.input.to === undefined)) {
      throw new HistoryFormatError(file, `ops[${i}].input`, 'a cas needs "from" and "to"', i);
    }
  });
  return h;
}
