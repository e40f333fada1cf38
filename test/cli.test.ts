import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZKSIM_VERSION } from '../sim/version.js';
import { MINIMAL, ROOT, scenarioFile, tempDir, zksim } from './helpers/cli.js';

const dir = tempDir();

describe('zksim run', () => {
  it('runs the built-in default scenario, prints the verdicts and where the trace went', () => {
    const r = zksim(['run', '--trace', join(dir, 'default.ndjson')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PASS\s+connection-fifo/);
    expect(r.stdout).toContain(`trace: ${join(dir, 'default.ndjson')} (hash `);
    expect(r.stdout).toMatch(/result: as expected/);
    expect(readFileSync(join(dir, 'default.ndjson'), 'utf8').split('\n')[0]).toMatch(/^\{"type":"zksim-trace","format":1/);
  });

  it('--json prints seed, events, traceHash and verdicts', () => {
    const r = zksim(['run', 'scenarios/default.json', '--no-trace', '--json', '--seed', '99']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.seed).toBe('99');
    expect(j.events).toBeGreaterThan(1000);
    expect(j.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(j.verdicts.map((v: { check: string }) => v.check)).toContain('message-accounting');
    expect(j.trace).toBeNull();
  });

  it('exits 1 when a check does not give the expected verdict', () => {
    const path = scenarioFile(dir, 'wrong-expectation.json', { ...MINIMAL, expect: { 'pingpong-sequence': 'fail' } });
    const r = zksim(['run', path, '--no-trace']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ expected fail/);
    expect(r.stdout).toMatch(/NOT as expected: pingpong-sequence was pass, expected fail/);
  });

  it('writes the trace atomically: no temp file is left behind', () => {
    const out = join(dir, 'atomic', 'run.ndjson');
    expect(zksim(['run', '--trace', out, '-q']).code).toBe(0);
    expect(readFileSync(out, 'utf8').length).toBeGreaterThan(0);
    expect(readdirSync(join(dir, 'atomic'))).toEqual(['run.ndjson']);
  });
});

describe('bad scenarios give exit 2 and name the field', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['missing field', { ...MINIMAL, durationTicks: undefined }, /durationTicks: missing; expected number/],
    ['wrong type', { ...MINIMAL, servers: 'three' }, /servers: expected number, got string/],
    ['unknown fault kind', { ...MINIMAL, faults: [{ at: 5, kind: 'meteor' }] }, /faults\[0\]\.kind: expected one of "partition", "isolate"/],
    ['negative time', { ...MINIMAL, faults: [{ at: -5, kind: 'heal' }] }, /faults\[0\]\.at: value must be >= 0, got -5/],
    ['unknown node', { ...MINIMAL, faults: [{ at: 5, kind: 'pause', node: 's9', durationTicks: 5 }] }, /faults\[0\]\.node: unknown node or target "s9": expected a server id \(s1, s2, s3\)/],
    ['misspelt key', { ...MINIMAL, durationTick: 5 }, /\(top level\): unknown field "durationTick"/],
    ['fault after the end', { ...MINIMAL, faults: [{ at: 30_000, kind: 'heal' }] }, /faults\[0\]\.at: 30000 is not before the end of the run/],
    ['unknown port', { ...MINIMAL, faults: [{ at: 5, kind: 'isolate', node: 's1', ports: ['quorum'] }] }, /faults\[0\]\.ports\[0\]: unknown port "quorum": the pingpong protocol uses peer/],
    ['unknown check in expect', { ...MINIMAL, expect: { linearizable: 'pass' } }, /expect\.linearizable: unknown check "linearizable"/],
    ['newer version', { ...MINIMAL, version: 2 }, /version: scenario version 2 is newer than the 1 this zksim reads; upgrade zksim/],
    ['not JSON', '{ "version": 1,\n  "name": }', /not valid JSON: .*line 2, column/],
  ];
  for (const [what, content, message] of cases) {
    it(what, () => {
      const path = scenarioFile(dir, `bad-${what.replace(/\W+/g, '-')}.json`, content);
      const r = zksim(['run', path, '--no-trace']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(path);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });
  }

  it('a missing file, an unknown option and an unknown command', () => {
    expect(zksim(['run', join(dir, 'nope.json')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot read scenario .*nope\.json: no such file/) });
    expect(zksim(['run', '--frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown option '--frobnicate'/) });
    expect(zksim(['explode'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown command 'explode'/) });
    expect(zksim(['show', 'x', '--limit', 'many'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/expected a non-negative integer/) });
  });
});

describe('replay and diff', () => {
  const a = join(dir, 'a.ndjson');
  const b = join(dir, 'b.ndjson');

  it('replay confirms an untouched trace', () => {
    expect(zksim(['run', 'scenarios/default.json', '--trace', a, '-q']).code).toBe(0);
    const r = zksim(['replay', a]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/identical, \d+ events, hash [0-9a-f]{16}/);
  });

  it('replay names the first divergent event of a tampered trace', () => {
    const lines = readFileSync(a, 'utf8').split('\n');
    lines[101] = lines[101].replace(/"at":(\d+)/, (_, t) => `"at":${Number(t) + 1}`);
    const tampered = join(dir, 'tampered.ndjson');
    writeFileSync(tampered, lines.join('\n'));
    const r = zksim(['replay', tampered, '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.identical).toBe(false);
    expect(j.divergence.index).toBe(100);
    expect(j.divergence.fields).toEqual(['at']);
  });

  it('replay refuses a trace from a newer format with exit 2', () => {
    const lines = readFileSync(a, 'utf8').split('\n');
    lines[0] = lines[0].replace('"format":1', '"format":2');
    const newer = join(dir, 'newer.ndjson');
    writeFileSync(newer, lines.join('\n'));
    const r = zksim(['replay', newer]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/newer\.ndjson: line 1: field "format": this trace has format 2, newer than the 1 this zksim reads.*upgrade zksim/);
  });

  it('diff reports identical streams and the first divergence', () => {
    expect(zksim(['run', 'scenarios/default.json', '--trace', b, '-q']).code).toBe(0);
    expect(zksim(['diff', a, b])).toMatchObject({ code: 0, stdout: expect.stringMatching(/identical event streams/) });
    const c = join(dir, 'c.ndjson');
    zksim(['run', 'scenarios/default.json', '--trace', c, '--seed', '43', '-q']);
    const r = zksim(['diff', a, c]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/header: seeds differ: 42 vs 43/);
    expect(r.stdout).toMatch(/first divergence at event \d+ \(line \d+\)/);
  });

  it('show prints readable lines filtered by kind', () => {
    const r = zksim(['show', a, '--kind', 'crash']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').slice(1)).toEqual([expect.stringMatching(/s3 process crash/), expect.stringMatching(/s\d machine crash/)]);
  });
});

describe('help and schema', () => {
  it('--version prints the version of package.json (which traces record)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(zksim(['--version'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    expect(ZKSIM_VERSION).toBe(pkg.version);
  });

  for (const cmd of [[], ['run'], ['replay'], ['diff'], ['show'], ['schema']]) {
    it(`zksim ${cmd.join(' ')} --help`, () => {
      const r = zksim([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: zksim/);
    });
  }

  it('schema prints the scenario JSON Schema', () => {
    const r = zksim(['schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.properties.faults).toBeDefined();
    expect(schema.required).toEqual(expect.arrayContaining(['version', 'name', 'seed', 'durationTicks', 'servers', 'protocol']));
  });
});

describe('zksim run --zoo-cfg', () => {
  it('a real zoo.cfg decides the ensemble of a zookeeper scenario, and the trace records it', () => {
    const cfg = join(dir, 'zoo.cfg');
    writeFileSync(cfg, ['tickTime=1000', 'initLimit=5', 'syncLimit=2', 'dataDir=/var/lib/zookeeper', 'clientPort=2181', 'server.1=zk1:2888:3888', 'server.2=zk2:2888:3888', 'server.3=zk3:2888:3888', 'server.4=zk4:2888:3888:observer', ''].join('\n'));
    const out = join(dir, 'zoo.ndjson');
    const r = zksim(['run', 'scenarios/zk-leader-crash.json', '--zoo-cfg', cfg, '--trace', out, '-q']);
    expect(r.code).toBe(0);
    const header = JSON.parse(readFileSync(out, 'utf8').split('\n')[0]);
    expect(header.scenario.servers).toBe(4);
    expect(header.scenario.protocol).toMatchObject({ observers: 1, tickTimeMs: 1000, initLimit: 5, syncLimit: 2 });
    expect(zksim(['replay', out]).code).toBe(0); // the header is enough to replay it
  });

  it('a bad line names the file, the line and the key, exit 2', () => {
    const cfg = join(dir, 'bad.cfg');
    writeFileSync(cfg, 'tickTime=1000\nserver.1=zk1:2888\n');
    const r = zksim(['run', 'scenarios/zk-leader-crash.json', '--zoo-cfg', cfg]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.cfg: line 2: server\.1: expected host:quorumPort:electionPort/);
  });
});
