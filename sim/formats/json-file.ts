/**
 * Reading a JSON input file (golden files, histories) so that a bad one is refused with its name,
 * the op index and the JSON path of the field at fault, never half-used.
 */
import type { z } from 'zod';

export class JsonFileError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
    readonly opIndex?: number,
  ) {
    super(`${file}: ${opIndex === undefined ? '' : `op ${opIndex}: `}${field}: ${problem}`);
  }
}

type Fail = (field: string, problem: string, opIndex?: number) => never;

/** `ops[14].args.version`-style path of a zod issue. */
export function fieldPath(parts: readonly PropertyKey[]): string {
  let out = '';
  for (const p of parts) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out === '' ? '(top level)' : out;
}

export function readJson(text: string, fail: Fail, hint = ''): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail('(file)', `not JSON (${(e as Error).message})${hint}`);
  }
}

/** Validates with `schema`; the first problem names its field (and its op, under `ops`). */
export function validate<S extends z.ZodType>(schema: S, json: unknown, fail: Fail): z.infer<S> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const opIndex = issue.path[0] === 'ops' && typeof issue.path[1] === 'number' ? issue.path[1] : undefined;
  return fail(fieldPath(issue.path), issue.message, opIndex);
}
