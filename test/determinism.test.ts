import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemorySink } from '../sim/kernel/trace/trace.js';
import { fnv1a64Hex } from '../sim/kernel/trace/hash.js';
import { parseScenario } from '../sim/scenario/load.js';
import { runScenario } from '../sim/scenario/simulation.js';
import { ROOT, tempDir, zksim } from './helpers/cli.js';

const swarm = parseScenario(readFileSync(join(ROOT, 'scenarios/swarm.json'), 'utf8'), 'swarm.json');

describe('determinism', () => {
  it('the same seed in two separate processes gives byte-identical traces and the same hash', () => {
    const dir = tempDir();
    const a = zksim(['run', 'scenarios/swarm.json', '--seed', '17', '--trace', join(dir, 'a.ndjson'), '--json']);
    const b = zksim(['run', 'scenarios/swarm.json', '--seed', '17', '--trace', join(dir, 'b.ndjson'), '--json']);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const bytesA = readFileSync(join(dir, 'a.ndjson'));
    expect(bytesA.equals(readFileSync(join(dir, 'b.ndjson')))).toBe(true);
    const hashA = JSON.parse(a.stdout).traceHash;
    expect(hashA).toBe(JSON.parse(b.stdout).traceHash);
    // the fingerprint is FNV-1a 64 over the event lines (header excluded), as documented
    const events = bytesA.toString('utf8').split('\n').slice(1).join('\n');
    expect(fnv1a64Hex(events)).toBe(hashA);
  });

  it('an in-process run matches the CLI run of the same seed', () => {
    const sink = new MemorySink();
    const r = runScenario(swarm, { seed: 17, sink });
    const cli = JSON.parse(zksim(['run', 'scenarios/swarm.json', '--seed', '17', '--no-trace', '--json']).stdout);
    expect(r.traceHash).toBe(cli.traceHash);
    expect(r.events).toBe(cli.events);
  });

  it('different seeds give different runs', () => {
    const hashes = new Set([1, 2, 3, 4, 5].map((seed) => runScenario(swarm, { seed }).traceHash));
    expect(hashes.size).toBe(5);
  });

  it('string seeds and integer seeds are both reproducible, and "7" equals 7', () => {
    expect(runScenario(swarm, { seed: 'abc' }).traceHash).toBe(runScenario(swarm, { seed: 'abc' }).traceHash);
    expect(runScenario(swarm, { seed: '7' }).traceHash).toBe(runScenario(swarm, { seed: 7 }).traceHash);
  });
});

const BANNED =
  /Math\.random|Date\.now|new Date\(|performance\.now|setTimeout|setInterval|setImmediate|queueMicrotask|process\.hrtime|crypto\.(random|getRandom)|Math\.(log|exp|sin|cos|tan|pow)\(/;

/** Lines of `text` that read wall-clock time or ambient randomness (or engine-dependent maths). */
function nondeterminism(text: string, name: string): string[] {
  const hits: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (/^\s*(\/\/|\*)/.test(line) || line.includes('determinism-ok')) return;
    if (BANNED.test(line)) hits.push(`${name}:${i + 1}: ${line.trim()}`);
  });
  return hits;
}

/** Every .ts file under a directory. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('house rules for sim/', () => {
  it('no wall-clock time or ambient randomness (mark a deliberate exception with "determinism-ok")', () => {
    const hits = sources(join(ROOT, 'sim')).flatMap((file) => nondeterminism(readFileSync(file, 'utf8'), relative(ROOT, file)));
    expect(hits).toEqual([]);
  });

  it('the scan above catches violations and honours comments and marked exceptions', () => {
    const sample = ['const t = Date.now();', '// Math.random() in a comment', 'x = Math.random(); // determinism-ok: seeded elsewhere', 'setTimeout(f, 1);', 'y = Math.log(2);'].join('\n');
    expect(nondeterminism(sample, 'f.ts')).toEqual(['f.ts:1: const t = Date.now();', 'f.ts:4: setTimeout(f, 1);', 'f.ts:5: y = Math.log(2);']);
  });

  it('protocol code imports nothing from the kernel, the world or Node', () => {
    const protocolDirs = ['sim/contract', 'sim/testproto'];
    const hits: string[] = [];
    for (const dir of protocolDirs) {
      for (const file of sources(join(ROOT, dir))) {
        for (const m of readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)) {
          if (/\/(kernel|world|scenario|cli)\//.test(m[1]) || m[1].startsWith('node:')) hits.push(`${relative(ROOT, file)}: ${m[1]}`);
        }
      }
    }
    expect(hits).toEqual([]);
  });

  it('only the CLI touches Node built-ins (the rest must run in a browser)', () => {
    const hits: string[] = [];
    for (const file of sources(join(ROOT, 'sim'))) {
      if (relative(ROOT, file).startsWith('sim/cli/')) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(node:[^']+)'/g)) hits.push(`${relative(ROOT, file)}: ${m[1]}`);
    }
    expect(hits).toEqual([]);
  });
});
