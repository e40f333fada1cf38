import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseZooCfg, readProperties, ZooCfgError } from '../sim/zk/quorum/zoo-cfg.js';
import { isQuorum, observers, voters } from '../sim/zk/quorum/ensemble-config.js';

/** conf/zoo_sample.cfg of ZooKeeper 3.8.0, byte for byte (trailing spaces included). */
const ZOO_SAMPLE_38 = `# The number of milliseconds of each tick
tickTime=2000
# The number of ticks that the initial 
# synchronization phase can take
initLimit=10
# The number of ticks that can pass between 
# sending a request and getting an acknowledgement
syncLimit=5
# the directory where the snapshot is stored.
# do not use /tmp for storage, /tmp here is just 
# example sakes.
dataDir=/tmp/zookeeper
# the port at which the clients will connect
clientPort=2181
# the maximum number of client connections.
# increase this if you need to handle more clients
#maxClientCnxns=60
#
# Be sure to read the maintenance section of the 
# administrator guide before turning on autopurge.
#
# https://zookeeper.apache.org/doc/current/zookeeperAdmin.html#sc_maintenance
#
# The number of snapshots to retain in dataDir
#autopurge.snapRetainCount=3
# Purge task interval in hours
# Set to "0" to disable auto purge feature
#autopurge.purgeInterval=1

## Metrics Providers
#
# https://prometheus.io Metrics Exporter
#metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider
#metricsProvider.httpHost=0.0.0.0
#metricsProvider.httpPort=7000
#metricsProvider.exportJvmInfo=true

`;

const DEBIAN_ZOO_CFG = '/etc/zookeeper/conf/zoo.cfg';

/** Lines joined with '\n'; line k of the result is lines[k-1]. */
const cfg = (...lines: string[]) => lines.join('\n') + '\n';

function errorOf(text: string, file = 'zoo.cfg'): ZooCfgError {
  try {
    parseZooCfg(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(ZooCfgError);
    return e as ZooCfgError;
  }
  throw new Error('expected a ZooCfgError');
}

/** The error names file, line and key in its fields and at the start of its message. */
function expectError(text: string, line: number, key: string, ...fragments: (string | RegExp)[]): ZooCfgError {
  const err = errorOf(text);
  expect({ file: err.file, line: err.line, key: err.key }).toEqual({ file: 'zoo.cfg', line, key });
  expect(err.message.startsWith(`zoo.cfg:${line}: ${key}: `)).toBe(true);
  expect(err.message).toBe(`zoo.cfg:${line}: ${key}: ${err.reason}`);
  for (const f of fragments) expect(err.message).toMatch(f);
  return err;
}

const THREE = cfg(
  'tickTime=2000', //             1
  'initLimit=10', //              2
  'syncLimit=5', //               3
  'dataDir=/var/lib/zookeeper', //4
  'clientPort=2181', //           5
  'server.1=zk1:2888:3888', //    6
  'server.2=zk2:2888:3888', //    7
  'server.3=zk3:2888:3888', //    8
);

describe('parseZooCfg: real files', () => {
  it('reads conf/zoo_sample.cfg of ZooKeeper 3.8 as a standalone server s1', () => {
    const z = parseZooCfg(ZOO_SAMPLE_38, 'zoo_sample.cfg');
    expect(z.standalone).toBe(true);
    expect(z.config.servers).toEqual([{ sid: 1, node: 's1', role: 'participant' }]);
    expect(z.config).toMatchObject({ tickTimeMs: 2000, initLimit: 10, syncLimit: 5, minSessionTimeoutMs: 4000, maxSessionTimeoutMs: 40000, snapCount: 100_000 });
    expect(z.used).toEqual(['tickTime', 'initLimit', 'syncLimit']);
    expect(z.ignored).toEqual(['dataDir', 'clientPort']);
    expect(z.servers).toEqual([]);
    expect(z.warnings).toEqual([expect.stringMatching(/^zoo_sample\.cfg: no server\.N lines: this is a standalone configuration; zksim runs it as the single server s1 \(sid 1\)$/)]);
  });

  // The Debian package's file (installed by .ci/run in CI); skipped where the package is absent.
  it.skipIf(!existsSync(DEBIAN_ZOO_CFG))(`reads Debian's ${DEBIAN_ZOO_CFG}`, () => {
    // ZooKeeper reads zoo.cfg with Properties.load(InputStream): ISO 8859-1.
    const text = readFileSync(DEBIAN_ZOO_CFG, 'latin1');
    const z = parseZooCfg(text, DEBIAN_ZOO_CFG);
    // bookworm's zookeeper 3.8.0 ships conf/zoo_sample.cfg unchanged; an edited file gets the looser checks below.
    if (text === ZOO_SAMPLE_38) expect(z).toEqual(parseZooCfg(ZOO_SAMPLE_38, DEBIAN_ZOO_CFG));
    expect(z.config.servers.length).toBeGreaterThanOrEqual(1);
    expect(z.config.tickTimeMs).toBeGreaterThan(0);
    expect(z.used).toContain('tickTime');
    if (z.standalone && z.servers.length === 0) {
      expect(z.config.servers).toEqual([{ sid: 1, node: 's1', role: 'participant' }]);
      expect(z.warnings.some((w) => w.includes('standalone'))).toBe(true);
    }
    if (z.ignored.includes('dataDir')) expect(z.used).not.toContain('dataDir');
  });
});

describe('parseZooCfg: ensembles', () => {
  it('reads a 3-server ensemble', () => {
    const z = parseZooCfg(THREE, 'zoo.cfg');
    expect(z.standalone).toBe(false);
    expect(z.config.servers).toEqual([
      { sid: 1, node: 's1', role: 'participant' },
      { sid: 2, node: 's2', role: 'participant' },
      { sid: 3, node: 's3', role: 'participant' },
    ]);
    expect(z.config).toMatchObject({ tickTimeMs: 2000, initLimit: 10, syncLimit: 5, minSessionTimeoutMs: 4000, maxSessionTimeoutMs: 40000 });
    expect(isQuorum(z.config, [1, 3])).toBe(true);
    expect(z.used).toEqual(['tickTime', 'initLimit', 'syncLimit', 'server.1', 'server.2', 'server.3']);
    expect(z.ignored).toEqual(['dataDir', 'clientPort']);
    expect(z.warnings).toEqual([]);
    expect(z.servers[1]).toEqual({ sid: 2, node: 's2', role: 'participant', host: 'zk2', quorumPort: 2888, electionPort: 3888, addressCount: 1, line: 7 });
  });

  it('reads 5 participants and 2 observers, with timing keys and keys zksim ignores', () => {
    const z = parseZooCfg(
      cfg(
        'tickTime=1000',
        'initLimit=5',
        'syncLimit=2',
        'minSessionTimeout=3000',
        'maxSessionTimeout=90000',
        'snapCount=5000',
        'electionAlg=3',
        'standaloneEnabled=false',
        'reconfigEnabled=true',
        'dataDir=/data',
        'dataLogDir=/datalog',
        'clientPort=2181',
        'autopurge.snapRetainCount=3',
        'autopurge.purgeInterval=24',
        '4lw.commands.whitelist=stat, ruok, mntr',
        'admin.enableServer=false',
        'metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider',
        'server.7=10.0.0.7:2888:3888:observer',
        'server.1=10.0.0.1:2888:3888',
        'server.2=10.0.0.2:2888:3888:participant',
        'server.3=10.0.0.3:2888:3888',
        'server.4=10.0.0.4:2888:3888',
        'server.5=10.0.0.5:2888:3888',
        'server.6=10.0.0.6:2888:3888:OBSERVER',
      ),
      'zoo.cfg',
    );
    expect(z.config.servers.map((s) => `${s.node}:${s.role}`)).toEqual([
      's1:participant',
      's2:participant',
      's3:participant',
      's4:participant',
      's5:participant',
      's6:observer',
      's7:observer',
    ]);
    expect(voters(z.config)).toEqual([1, 2, 3, 4, 5]);
    expect(observers(z.config)).toEqual([6, 7]);
    expect(isQuorum(z.config, [1, 2, 6, 7])).toBe(false);
    expect(isQuorum(z.config, [1, 2, 3])).toBe(true);
    expect(z.config).toMatchObject({ tickTimeMs: 1000, initLimit: 5, syncLimit: 2, minSessionTimeoutMs: 3000, maxSessionTimeoutMs: 90000, snapCount: 5000 });
    expect(z.used).toEqual([
      'tickTime',
      'initLimit',
      'syncLimit',
      'minSessionTimeout',
      'maxSessionTimeout',
      'snapCount',
      'electionAlg',
      'standaloneEnabled',
      'server.7',
      'server.1',
      'server.2',
      'server.3',
      'server.4',
      'server.5',
      'server.6',
    ]);
    expect(z.ignored).toEqual([
      'reconfigEnabled',
      'dataDir',
      'dataLogDir',
      'clientPort',
      'autopurge.snapRetainCount',
      'autopurge.purgeInterval',
      '4lw.commands.whitelist',
      'admin.enableServer',
      'metricsProvider.className',
    ]);
    expect(z.warnings).toEqual([]);
  });

  it('session timeouts default to 2× and 20× tickTime; -1 means the default, as in ZooKeeper', () => {
    const z = parseZooCfg(THREE.replace('tickTime=2000', 'tickTime=500') + 'minSessionTimeout=-1\n', 'zoo.cfg');
    expect(z.config).toMatchObject({ tickTimeMs: 500, minSessionTimeoutMs: 1000, maxSessionTimeoutMs: 10000 });
  });

  it('honours commitLogCount, cnxTimeout and fastleader.* (system properties ZooKeeper sets from zoo.cfg), with its clamps', () => {
    const z = parseZooCfg(
      THREE + cfg('commitLogCount=1000', 'cnxTimeout=2000', 'fastleader.minNotificationInterval=100', 'fastleader.maxNotificationInterval=30000', 'snapCount=1'),
      'zoo.cfg',
    );
    expect(z.config).toMatchObject({ commitLogCount: 1000, cnxTimeoutMs: 2000, minNotificationIntervalMs: 100, maxNotificationIntervalMs: 30000, snapCount: 2 });
    expect(z.warnings).toEqual(['zoo.cfg:13: snapCount=1 is below 2; like ZooKeeper, zksim uses 2']);
    const low = parseZooCfg(THREE + 'commitLogCount=10\n', 'zoo.cfg');
    expect(low.config.commitLogCount).toBe(500);
    expect(low.warnings).toEqual([expect.stringContaining('zoo.cfg:9: commitLogCount=10 is below 500')]);
  });

  it('warns about an even number of participants, and about fewer than 3', () => {
    const four = parseZooCfg(THREE + 'server.4=zk4:2888:3888\n', 'zoo.cfg');
    expect(voters(four.config)).toEqual([1, 2, 3, 4]);
    expect(four.warnings).toEqual([expect.stringMatching(/^zoo\.cfg: 4 participants, an even number: a quorum needs 3, so it tolerates 1 failure/)]);
    const two = parseZooCfg(cfg('tickTime=2000', 'initLimit=10', 'syncLimit=5', 'server.1=a:2888:3888', 'server.2=b:2888:3888'), 'zoo.cfg');
    expect(two.standalone).toBe(false);
    expect(two.warnings).toEqual(['zoo.cfg: 2 participants: no server failure will be tolerated; ZooKeeper recommends at least 3']);
    // An even count with observers: only participants count.
    const obs = parseZooCfg(THREE + 'server.4=zk4:2888:3888:observer\n', 'zoo.cfg');
    expect(obs.warnings).toEqual([]);
  });

  it('a single server line is standalone in ZooKeeper (standaloneEnabled defaults to true), a one-member ensemble with standaloneEnabled=false', () => {
    const one = parseZooCfg(cfg('tickTime=2000', 'server.3=localhost:2888:3888'), 'zoo.cfg');
    expect(one.standalone).toBe(true);
    expect(one.config.servers).toEqual([{ sid: 3, node: 's3', role: 'participant' }]);
    expect(one.warnings).toEqual([expect.stringMatching(/^zoo\.cfg:2: server\.3 is the only server and standaloneEnabled is true/)]);
    const ens = parseZooCfg(cfg('tickTime=2000', 'initLimit=10', 'syncLimit=5', 'standaloneEnabled=FALSE', 'server.3=localhost:2888:3888'), 'zoo.cfg');
    expect(ens.standalone).toBe(false);
    expect(ens.config.servers).toEqual([{ sid: 3, node: 's3', role: 'participant' }]);
    expect(ens.warnings).toEqual(['zoo.cfg: 1 participant: no server failure will be tolerated; ZooKeeper recommends at least 3']);
  });

  it('a standalone file without tickTime gets ZooKeeper’s default, 3000 ms', () => {
    const z = parseZooCfg('dataDir=/tmp/zk\n', 'zoo.cfg');
    expect(z.config).toMatchObject({ tickTimeMs: 3000, minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 60000 });
    expect(z.warnings).toContain("zoo.cfg: tickTime is not set; zksim uses ZooKeeper's default, 3000 ms");
  });
});

describe('parseZooCfg: server line syntax', () => {
  it('reads the 3.5+ dynamic syntax: role and ;clientPort or ;clientAddr:clientPort', () => {
    const z = parseZooCfg(
      cfg(
        'tickTime=2000',
        'initLimit=10',
        'syncLimit=5',
        'server.1=127.0.0.1:2888:3888;2181',
        'server.2=127.0.0.1:2889:3889:participant;0.0.0.0:2182',
        'server.3=127.0.0.1:2890:3890:observer;127.0.0.1:2183',
        'server.4=[::1]:2888:3888:participant;[::1]:2184',
        'server.5=127.0.0.1:2891:3891;',
      ),
      'zoo.cfg',
    );
    expect(z.servers.map((s) => [s.sid, s.role, s.host, s.quorumPort, s.electionPort, s.client])).toEqual([
      [1, 'participant', '127.0.0.1', 2888, 3888, { port: 2181 }],
      [2, 'participant', '127.0.0.1', 2889, 3889, { host: '0.0.0.0', port: 2182 }],
      [3, 'observer', '127.0.0.1', 2890, 3890, { host: '127.0.0.1', port: 2183 }],
      [4, 'participant', '::1', 2888, 3888, { host: '::1', port: 2184 }],
      // Java's split drops the empty string after a trailing ';', so ZooKeeper accepts this line.
      [5, 'participant', '127.0.0.1', 2891, 3891, undefined],
    ]);
    expect(observers(z.config)).toEqual([3]);
  });

  it('reads the 3.6+ multi-address syntax, uses the first address and says so', () => {
    const z = parseZooCfg(
      cfg('tickTime=2000', 'initLimit=10', 'syncLimit=5', 'server.1=zk1-net1:2888:3888|zk1-net2:2888:3888', 'server.2=zk2:2888:3888', 'server.3=zk3-a:2888:3888:observer|zk3-b:2889:3889:observer;2181'),
      'zoo.cfg',
    );
    expect(z.servers.map((s) => [s.sid, s.host, s.quorumPort, s.electionPort, s.addressCount, s.role])).toEqual([
      [1, 'zk1-net1', 2888, 3888, 2, 'participant'],
      [2, 'zk2', 2888, 3888, 1, 'participant'],
      [3, 'zk3-a', 2888, 3888, 2, 'observer'],
    ]);
    expect(z.warnings).toHaveLength(3);
    expect(z.warnings[0]).toMatch(/^zoo\.cfg:4: server\.1 lists 2 addresses separated by '\|' \(3\.6\+ multi-address\); zksim .* uses the first, zk1-net1:2888:3888\. ZooKeeper 3\.8 accepts '\|' only when .*-Dzookeeper\.multiAddress\.enabled=true/);
    expect(z.warnings[1]).toMatch(/^zoo\.cfg:6: server\.3 lists 2 addresses/);
    expect(z.warnings[2]).toMatch(/^zoo\.cfg: 2 participants/);
  });

  it('trims whitespace around values, and warns where ZooKeeper would not trim a server line', () => {
    const z = parseZooCfg(cfg('tickTime = 2000  ', 'initLimit=10', 'syncLimit=5', 'server.1 =  zk1:2888:3888   ', 'server.2=zk2:2888:3888', 'server.3=zk3:2888:3888:observer  '), 'zoo.cfg');
    expect(z.config.tickTimeMs).toBe(2000);
    expect(z.servers[0]).toMatchObject({ host: 'zk1', electionPort: 3888 });
    // After a role ZooKeeper trims (getType), so only the port case is warned about.
    expect(z.warnings.filter((w) => w.includes('whitespace'))).toEqual([expect.stringMatching(/^zoo\.cfg:4: server\.1 has whitespace after its last port/)]);
  });
});

describe('parseZooCfg: Java properties syntax', () => {
  it('skips # and ! comments and blank lines, accepts = : and whitespace separators, continuation lines and escapes, CRLF', () => {
    const text = [
      '# comment', //                             1
      '   ! another comment', //                   2
      '', //                                       3
      '\t  ', //                                   4
      '  tickTime : 2000', //                      5
      'initLimit 10', //                           6
      'syncLimit=\\', //                           7
      '     5', //                                 8
      'server.1=zk1:2888:\\', //                   9
      '   3888', //                               10
      'server.2=zk2:2888:3888  # not a comment', // 11
      'server.3=zk\\u0033:2888:3888', //           12
      'dataDir=C:\\\\zk\\\\data', //               13
      '#server.4=zk4:2888:3888', //               14
    ].join('\r\n');
    expect(errorOf(text).message).toBe('zoo.cfg:11: server.2: the election port must be a number, got "3888  # not a comment" in "zk2:2888:3888  # not a comment" (write it as host:2888:3888, host:2888:3888:observer or host:2888:3888;2181)');
    const z = parseZooCfg(text.replace('  # not a comment', ''), 'zoo.cfg');
    expect(z.config).toMatchObject({ tickTimeMs: 2000, initLimit: 10, syncLimit: 5 });
    expect(z.servers.map((s) => [s.sid, s.host, s.electionPort, s.line])).toEqual([
      [1, 'zk1', 3888, 9],
      [2, 'zk2', 3888, 11],
      [3, 'zk3', 3888, 12],
    ]);
    expect(readProperties(text, 'zoo.cfg').find((e) => e.key === 'dataDir')?.value).toBe('C:\\zk\\data');
    expect(z.ignored).toEqual(['dataDir']);
  });

  it('a later duplicate overrides an earlier one, as java.util.Properties does, with a warning; the overridden value is never checked', () => {
    const z = parseZooCfg(cfg('tickTime=banana', 'initLimit=10', 'syncLimit=5', 'tickTime=1000', 'server.1=a:2888:3888', 'server.2=b:2888:3888', 'server.3=c:2888:3888'), 'zoo.cfg');
    expect(z.config.tickTimeMs).toBe(1000);
    expect(z.warnings).toEqual(['zoo.cfg:4: tickTime is set on lines 1, 4; as in java.util.Properties, the last one (line 4) wins']);
    expect(z.used.filter((k) => k === 'tickTime')).toHaveLength(1);
  });

  it('reads a comment line ending in a backslash as a comment only', () => {
    const z = parseZooCfg(cfg('# comment \\', 'tickTime=2500'), 'zoo.cfg');
    expect(z.config.tickTimeMs).toBe(2500);
  });
});

describe('parseZooCfg: keys zksim notes but does not use', () => {
  it('peerType is ignored with a note: zksim cannot know which server reads the file', () => {
    const z = parseZooCfg(THREE + 'peerType=observer\n', 'zoo.cfg');
    expect(z.ignored).toContain('peerType');
    expect(observers(z.config)).toEqual([]);
    expect(z.warnings).toEqual([expect.stringMatching(/^zoo\.cfg:9: peerType=observer is ignored: .* mark observers as server\.N=host:2888:3888:observer$/)]);
  });

  it('extendedTypesEnabled is used; zookeeper.extendedTypesEnabled in zoo.cfg has no effect in ZooKeeper and is flagged', () => {
    const on = parseZooCfg(THREE + 'extendedTypesEnabled=true\n', 'zoo.cfg');
    expect(on.extendedTypesEnabled).toBe(true);
    expect(on.used).toContain('extendedTypesEnabled');
    const prefixed = parseZooCfg(THREE + 'zookeeper.extendedTypesEnabled=true\n', 'zoo.cfg');
    expect(prefixed.extendedTypesEnabled).toBe(false);
    expect(prefixed.ignored).toContain('zookeeper.extendedTypesEnabled');
    expect(prefixed.warnings).toEqual([
      'zoo.cfg:9: zookeeper.extendedTypesEnabled has no effect in zoo.cfg: ZooKeeper makes unknown keys system properties by prefixing "zookeeper.", so this sets zookeeper.zookeeper.extendedTypesEnabled; write extendedTypesEnabled=true instead',
    ]);
    expect(parseZooCfg(THREE, 'zoo.cfg').extendedTypesEnabled).toBe(false);
  });

  it('unknown keys are ignored, not errors', () => {
    const z = parseZooCfg(THREE + 'someFutureKey=1\njute.maxbuffer=4194304\n', 'zoo.cfg');
    expect(z.ignored).toEqual(['dataDir', 'clientPort', 'someFutureKey', 'jute.maxbuffer']);
  });
});

describe('parseZooCfg: errors name the file, the line, the key and the fix', () => {
  it('a server line without its election port (the example from the brief)', () => {
    const text = cfg('tickTime=2000', 'initLimit=10', 'syncLimit=5', 'server.1=localhost:2888:3888', 'server.2=localhost:2889:3889', 'server.3=localhost:2890:3890', 'server.4=localhost:2888');
    expectError(text, 7, 'server.4', 'expected host:quorumPort:electionPort[:participant|observer], got "localhost:2888"', 'add the missing port');
    expect(errorOf(text).message).toMatch(/^zoo\.cfg:7: server\.4: expected host:quorumPort:electionPort\[:participant\|observer\], got "localhost:2888" \(/);
  });

  it('other malformed server lines', () => {
    const head = ['tickTime=2000', 'initLimit=10', 'syncLimit=5'];
    expectError(cfg(...head, 'server.1=a:2888:3888:observer:2181'), 4, 'server.1', 'got "a:2888:3888:observer:2181"', "a client port goes after ';'");
    expectError(cfg(...head, 'server.1=a:2888:3888:voter'), 4, 'server.1', 'unknown role "voter"');
    expectError(cfg(...head, 'server.1=a:2888:2888'), 4, 'server.1', 'the quorum port and the election port are both 2888');
    expectError(cfg(...head, 'server.1=a:2888:x3888'), 4, 'server.1', 'the election port must be a number, got "x3888"');
    expectError(cfg(...head, 'server.1=a:2888:70000'), 4, 'server.1', 'the election port 70000 is outside 1..65535');
    expectError(cfg(...head, 'server.1=:2888:3888'), 4, 'server.1', 'the host is empty');
    expectError(cfg(...head, 'server.1='), 4, 'server.1', 'got nothing');
    expectError(cfg(...head, 'server.1=a:2888:3888;1:2:3'), 4, 'server.1', 'expected ";clientPort" or ";clientAddr:clientPort"');
    expectError(cfg(...head, 'server.1=a:2888:3888;2181;2182'), 4, 'server.1', "at most one ';'");
    expectError(cfg(...head, 'server.1=a:2888:3888;port'), 4, 'server.1', 'the client port must be a number, got "port"');
    expectError(cfg(...head, 'server.1=a:2888:3888:observer|b:2888:3888:participant'), 4, 'server.1', 'different roles (observer and participant)');
    expectError(cfg(...head, 'server.1=[::1:2888:3888'), 4, 'server.1', "starts with '[' but has no matching ']'");
    expectError(cfg(...head, 'server.x=a:2888:3888'), 4, 'server.x', 'must be a number 1..255, got "x"');
  });

  it('numbers that are not positive integers', () => {
    expectError(cfg('# tick', 'tickTime=2s'), 2, 'tickTime', 'expected a positive whole number of milliseconds, got "2s" (e.g. tickTime=2000)');
    expectError(cfg('tickTime=2000', 'initLimit=0'), 2, 'initLimit', 'must be a positive number of ticks, got 0 (e.g. initLimit=10)');
    expectError(cfg('tickTime=2000', '', 'syncLimit=-5'), 3, 'syncLimit', 'must be a positive number of ticks, got -5');
    expectError(cfg('tickTime=2000', 'snapCount=1.5'), 2, 'snapCount', 'expected a positive whole number of transactions, got "1.5"');
    expectError(cfg('maxSessionTimeout=99999999999'), 1, 'maxSessionTimeout', 'does not fit a Java int');
  });

  it('minSessionTimeout larger than maxSessionTimeout, given or by default', () => {
    expectError(cfg('tickTime=2000', 'minSessionTimeout=30000', 'maxSessionTimeout=20000'), 2, 'minSessionTimeout', 'must not be larger than maxSessionTimeout (30000 > 20000)');
    expectError(cfg('tickTime=2000', 'minSessionTimeout=50000'), 2, 'minSessionTimeout', '50000 > 40000, the default maxSessionTimeout');
    expectError(cfg('tickTime=2000', 'maxSessionTimeout=3000'), 2, 'maxSessionTimeout', 'the default minSessionTimeout (2 × tickTime) 4000 > 3000');
  });

  it('tickTime, initLimit and syncLimit missing from an ensemble: the error points at the first server line', () => {
    const servers = ['server.1=a:2888:3888', 'server.2=b:2888:3888', 'server.3=c:2888:3888'];
    expectError(cfg('dataDir=/d', 'syncLimit=5', 'tickTime=2000', ...servers), 4, 'initLimit', 'not set, and ZooKeeper requires it for an ensemble', 'add initLimit=10');
    expectError(cfg('dataDir=/d', 'initLimit=10', 'tickTime=2000', '', ...servers), 5, 'syncLimit', 'add syncLimit=5');
    expectError(cfg('initLimit=10', 'syncLimit=5', ...servers), 3, 'tickTime', 'add tickTime=2000', 'ZooKeeper 3.8 would silently use 3000');
  });

  it('no participant', () => {
    expectError(cfg('tickTime=2000', 'initLimit=10', 'syncLimit=5', 'server.1=a:2888:3888:observer', 'server.2=b:2888:3888:observer'), 4, 'server.1', 'needs at least one participant');
    expectError(cfg('tickTime=2000', 'standaloneEnabled=false'), 2, 'standaloneEnabled', 'standaloneEnabled=false needs server.N lines');
    expectError(cfg('tickTime=2000', 'server.1=a:2888:3888', 'server.2=b:2888:3888:observer'), 2, 'server.1', 'observers need a quorum', 'set standaloneEnabled=false');
  });

  it('duplicate sids, written the same or differently', () => {
    expectError(cfg('tickTime=2000', 'initLimit=10', 'syncLimit=5', 'server.1=a:2888:3888', 'server.2=b:2888:3888', '', 'server.1=c:2888:3888'), 7, 'server.1', 'server id 1 is already defined on line 4 (server.1)');
    expectError(cfg('tickTime=2000', 'initLimit=10', 'syncLimit=5', 'server.2=b:2888:3888', 'server.02=c:2888:3888'), 5, 'server.02', 'server id 2 is already defined on line 4 (server.2)');
  });

  it('two servers with the same ports on one host', () => {
    const head = ['tickTime=2000', 'initLimit=10', 'syncLimit=5'];
    expectError(cfg(...head, 'server.1=localhost:2888:3888', 'server.2=localhost:2888:3888', 'server.3=localhost:2890:3890'), 5, 'server.2', 'localhost:2888 (its quorum port) is already the quorum port of server.1 on line 4', 'need their own quorum and election ports');
    expectError(cfg(...head, 'server.3=LOCALHOST:2890:3890', 'server.1=localhost:2888:3888', 'server.2=localhost:3890:3889'), 6, 'server.2', 'localhost:3890 (its quorum port) is already the election port of server.3 on line 4');
    // The same ports on different hosts are the normal case.
    expect(parseZooCfg(cfg(...head, 'server.1=a:2888:3888', 'server.2=b:2888:3888', 'server.3=c:2888:3888'), 'zoo.cfg').servers).toHaveLength(3);
  });

  it('sids outside 1..255, and above 254 with extended types', () => {
    const head = ['tickTime=2000', 'initLimit=10', 'syncLimit=5', 'server.1=a:2888:3888', 'server.2=b:2888:3888'];
    expectError(cfg(...head, 'server.256=c:2888:3888'), 6, 'server.256', 'server id 256 is outside 1..255');
    expectError(cfg(...head, 'server.0=c:2888:3888'), 6, 'server.0', 'server id 0 is outside 1..255');
    expect(parseZooCfg(cfg(...head, 'server.255=c:2888:3888'), 'zoo.cfg').config.servers.map((s) => s.node)).toEqual(['s1', 's2', 's255']);
    expectError(cfg(...head, 'server.255=c:2888:3888', 'extendedTypesEnabled=true'), 6, 'server.255', 'above 254, the limit with extendedTypesEnabled=true');
  });

  it('electionAlg other than 3', () => {
    expectError(cfg('tickTime=2000', 'electionAlg=0'), 2, 'electionAlg', 'only 3 (Fast Leader Election) is supported since ZooKeeper 3.6, got "0"');
  });

  it('dynamicConfigFile is not supported', () => {
    expectError(cfg('tickTime=2000', 'initLimit=10', 'syncLimit=5', 'dynamicConfigFile=/etc/zookeeper/zoo.cfg.dynamic.100000000'), 4, 'dynamicConfigFile', 'not supported', 'Copy the server.N lines from /etc/zookeeper/zoo.cfg.dynamic.100000000 into this file');
  });

  it('booleans, peerType, hierarchical quorums, bad escapes', () => {
    expectError(cfg('standaloneEnabled=yes'), 1, 'standaloneEnabled', 'expected true or false, got "yes"');
    expectError(cfg('tickTime=2000', 'reconfigEnabled=1'), 2, 'reconfigEnabled', 'expected true or false');
    expectError(cfg('peerType=learner'), 1, 'peerType', 'expected observer or participant, got "learner"');
    expectError(cfg('tickTime=2000', 'initLimit=10', 'syncLimit=5', 'server.1=a:2888:3888', 'group.1=1:2:3'), 5, 'group.1', 'hierarchical quorums');
    expectError(cfg('tickTime=2000', 'dataDir=/x\\u12'), 2, 'dataDir', 'malformed \\uXXXX escape');
  });

  it('the file name in the message is the one given', () => {
    expect(errorOf(cfg('tickTime=x'), '/etc/zookeeper/conf/zoo.cfg').message).toMatch(/^\/etc\/zookeeper\/conf\/zoo\.cfg:1: tickTime: /);
  });
});
