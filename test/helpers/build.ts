import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

/** CLI tests run the compiled command: make sure dist/ matches the sources (incremental, fast when current). */
export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
