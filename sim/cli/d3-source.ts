/** d3's minified bundle from node_modules, for the self-contained HTML reports. */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function d3Source(): string {
  return readFileSync(d3MinPath(), 'utf8');
}

function d3MinPath(): string {
  const req = createRequire(import.meta.url);
  try {
    return req.resolve('d3/dist/d3.min.js');
  } catch {
    // d3 7's "exports" map hides dist/ from require.resolve; find the package from its entry point.
  }
  let dir = dirname(req.resolve('d3'));
  for (;;) {
    const candidate = join(dir, 'dist', 'd3.min.js');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error('d3/dist/d3.min.js not found: is the d3 package installed?');
    dir = up;
  }
}

