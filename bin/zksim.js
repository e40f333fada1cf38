#!/usr/bin/env node
// The zksim command. The TypeScript sources are compiled to dist/ by `npm ci` (the prepare script).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'sim', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('zksim: not built yet; run `npm ci` (or `npm run build`) in the zksim directory first\n');
  process.exit(2);
}
// A closed pipe (zksim show … | head) is a normal way to stop reading, not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
