/** One problem in a scenario: where (a JSON path such as `faults[2].node`) and what was expected. */
export interface ScenarioIssue {
  path: string;
  message: string;
}

/** A scenario that cannot be run. The message names the source, each field and the fix. */
export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly issues: ScenarioIssue[],
  ) {
    super(issues.map((i) => `${source}: ${i.path === '' ? '(top level)' : i.path}: ${i.message}`).join('\n'));
    this.name = 'ScenarioError';
  }
}

/** Formats a path like ["faults", 2, "node"] as `faults[2].node`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}
