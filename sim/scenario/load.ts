import * as jsonc from 'jsonc-parser';
import type { z } from 'zod';
import { TARGET_SYMBOLS } from '../world/targets.js';
import { ScenarioError, formatPath, type ScenarioIssue } from './errors.js';
import { PROTOCOLS } from './protocols.js';
import { SCENARIO_VERSION, ScenarioSchema, type Scenario } from './schema.js';
import { checkerNames } from './checkers.js';

/** Server ids of a scenario: s1..sN. */
export function serverIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `s${i + 1}`);
}

/**
 * Parses and validates scenario text. `source` names it in messages (a file path). Throws a
 * ScenarioError listing every problem with its JSON path and what was expected.
 */
export function parseScenario(text: string, source: string): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(source, [{ path: '', message: `not valid JSON: ${jsonErrorWhere(text, e)}` }]);
  }
  return validateScenario(json, source);
}

/** Validates an already-parsed scenario object. */
export function validateScenario(json: unknown, source: string): Scenario {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ScenarioError(source, [{ path: '', message: 'expected a JSON object with "version": 1, "name", "seed", "durationTicks", "servers" and "protocol"' }]);
  }
  const version = (json as { version?: unknown }).version;
  if (typeof version === 'number' && version > SCENARIO_VERSION) {
    throw new ScenarioError(source, [
      { path: 'version', message: `scenario version ${version} is newer than the ${SCENARIO_VERSION} this zksim reads; upgrade zksim` },
    ]);
  }
  const parsed = ScenarioSchema.safeParse(json);
  if (!parsed.success) throw new ScenarioError(source, parsed.error.issues.flatMap((i) => describeIssue(i, [], json)));
  const issues = semanticIssues(parsed.data);
  if (issues.length > 0) throw new ScenarioError(source, issues);
  return parsed.data;
}

function describeIssue(issue: z.core.$ZodIssue, prefix: PropertyKey[], json: unknown): ScenarioIssue[] {
  const fullPath = [...prefix, ...issue.path];
  const path = formatPath(fullPath);
  switch (issue.code) {
    case 'invalid_type':
      if (/received undefined/.test(issue.message)) return [{ path, message: `missing; expected ${issue.expected}` }];
      return [{ path, message: `expected ${issue.expected}${describeReceived(issue.message)}` }];
    case 'unrecognized_keys':
      return [
        {
          path,
          message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling; see \`zksim schema\`)`,
        },
      ];
    case 'invalid_union': {
      const u = issue as { note?: string; options?: unknown[]; errors: z.core.$ZodIssue[][] };
      if (u.note === 'No matching discriminator' && u.options !== undefined) {
        return [{ path, message: `expected one of ${u.options.map((o) => JSON.stringify(o)).join(', ')}` }];
      }
      // Report the alternative the input came closest to: the one whose problems lie deepest.
      const best = bestBranch(u.errors);
      return best === undefined ? [{ path, message: issue.message }] : best.flatMap((i) => describeIssue(i, fullPath, json));
    }
    case 'too_small':
    case 'too_big': {
      const b = issue as { minimum?: number | bigint; maximum?: number | bigint; inclusive?: boolean };
      const bound = issue.code === 'too_small' ? `${b.inclusive === false ? '>' : '>='} ${String(b.minimum)}` : `${b.inclusive === false ? '<' : '<='} ${String(b.maximum)}`;
      const got = valueAt(json, fullPath);
      const shown = typeof got === 'number' ? `, got ${got}` : Array.isArray(got) ? `, got ${got.length} item(s)` : typeof got === 'string' ? `, got "${got}"` : '';
      const noun = typeof got === 'string' ? 'length' : Array.isArray(got) ? 'number of items' : 'value';
      return [{ path, message: `${noun} must be ${bound}${shown}` }];
    }
    default:
      return [{ path, message: issue.message }];
  }
}

function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = json;
  for (const p of path) v = typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

function bestBranch(branches: z.core.$ZodIssue[][]): z.core.$ZodIssue[] | undefined {
  let best: z.core.$ZodIssue[] | undefined;
  let bestDepth = 0;
  for (const b of branches) {
    const depth = Math.max(0, ...b.map((i) => i.path.length + (i.code === 'invalid_union' ? 1 : 0)));
    if (depth > bestDepth) {
      best = b;
      bestDepth = depth;
    }
  }
  return best;
}

function describeReceived(message: string): string {
  const m = /received (\w+)/.exec(message);
  return m === null ? '' : `, got ${m[1]}`;
}

/** Checks that need more than one field: node names, ports, times, expectations. */
function semanticIssues(s: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const protocol = PROTOCOLS[s.protocol.kind];
  // The same resolved config the run gets (resolve.ts), so extra nodes that depend on the server count are known.
  const nodes = [...serverIds(s.servers), ...protocol.extraNodes({ kind: s.protocol.kind, servers: s.servers, ...protocol.resolve(s.protocol) })];
  const nodeList = nodes.length > 3 ? `${nodes[0]}..${nodes[nodes.length - 1]}` : nodes.join(', ');
  const checkTarget = (t: unknown, path: string, allowRest: boolean): void => {
    const names = typeof t === 'string' ? [t] : Array.isArray(t) ? (t as string[]) : [];
    for (const name of names) {
      if (nodes.includes(name) || (TARGET_SYMBOLS as readonly string[]).includes(name) || (allowRest && name === 'rest')) continue;
      issues.push({
        path,
        message: `unknown node or target "${name}": expected a server id (${nodeList}) or one of ${[...TARGET_SYMBOLS, ...(allowRest ? ['rest'] : [])].join(', ')}`,
      });
    }
  };
  for (const node of Object.keys(s.clocks ?? {})) {
    if (!nodes.includes(node)) issues.push({ path: `clocks.${node}`, message: `unknown node "${node}": this scenario has ${nodeList}` });
  }
  if (Array.isArray(s.faults)) {
    s.faults.forEach((f, i) => {
      const base = `faults[${i}]`;
      if (f.at >= s.durationTicks) {
        issues.push({ path: `${base}.at`, message: `${f.at} is not before the end of the run (durationTicks ${s.durationTicks})` });
      }
      for (const key of ['node', 'from', 'to', 'nodes'] as const) {
        if (key in f) checkTarget((f as Record<string, unknown>)[key], `${base}.${key}`, false);
      }
      if (f.kind === 'partition') f.groups.forEach((g, j) => checkTarget(g, `${base}.groups[${j}]`, true));
      if ('ports' in f && f.ports !== undefined) {
        f.ports.forEach((p, j) => {
          if (!protocol.ports.includes(p)) {
            issues.push({ path: `${base}.ports[${j}]`, message: `unknown port "${p}": the ${s.protocol.kind} protocol uses ${protocol.ports.join(', ')}` });
          }
        });
      }
    });
  } else if (s.faults !== undefined) {
    const quiet = s.faults.swarm.quietTicks;
    if (quiet !== undefined && quiet >= s.durationTicks) {
      issues.push({ path: 'faults.swarm.quietTicks', message: `${quiet} leaves no time for faults (durationTicks ${s.durationTicks})` });
    }
  }
  if (s.bugs !== undefined && s.bugs.length > 0 && s.protocol.kind !== 'zookeeper') {
    issues.push({ path: 'bugs', message: `planted bugs live in the ZooKeeper model; the ${s.protocol.kind} protocol has none (remove "bugs")` });
  }
  for (const field of ['zkVersion', 'legacy'] as const) {
    if (s[field] !== undefined && s.protocol.kind !== 'zookeeper') issues.push({ path: field, message: `old ZooKeeper behaviours apply to the ZooKeeper model only; the ${s.protocol.kind} protocol has none (remove "${field}")` });
  }
  if (s.protocol.kind === 'zookeeper') {
    const obs = s.protocol.observers ?? 0;
    const cl = s.protocol.clients;
    if (cl?.readers !== undefined && cl.readers > cl.count) issues.push({ path: 'protocol.clients.readers', message: `${cl.readers} readers among ${cl.count} clients; readers must not exceed count` });
    if (obs >= s.servers) issues.push({ path: 'protocol.observers', message: `${obs} observer(s) leave no voting server among ${s.servers}; an ensemble needs at least one participant` });
  }
  const known = checkerNames(s);
  for (const name of Object.keys(s.expect ?? {})) {
    if (!known.includes(name)) issues.push({ path: `expect.${name}`, message: `unknown check "${name}": this scenario's checks are ${known.join(', ')}` });
  }
  return issues;
}

/** Where the JSON breaks, as "line L, column C: what was expected" (JSON.parse does not say). */
function jsonErrorWhere(text: string, e: unknown): string {
  const errors: jsonc.ParseError[] = [];
  jsonc.parse(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length === 0) return e instanceof Error ? e.message : String(e);
  const { error, offset } = errors[0];
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - before.lastIndexOf('\n');
  const what = jsonc.printParseErrorCode(error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `${what} at line ${line}, column ${col}`;
}
