/**
 * Reads a real ZooKeeper `zoo.cfg` into an {@link EnsembleConfig}.
 *
 * The file is read the way ZooKeeper 3.8 reads it (checked against QuorumPeerConfig.parse /
 * parseProperties / parseDynamicConfig, QuorumMaj(Properties), QuorumPeer.QuorumServer and
 * ConfigUtils.getHostAndPort of release-3.8.0):
 *
 * - Syntax is java.util.Properties.load: `key=value`, `key:value` or `key value`; lines whose first
 *   non-blank character is `#` or `!` are comments; blank lines are skipped; a line ending in an odd
 *   number of backslashes continues on the next one; `\t \n \r \f \uXXXX` and `\x` escapes are
 *   decoded. ZooKeeper then trims every key and value (String.trim).
 * - Properties is a map, so when a key appears twice the LAST line wins, silently. zksim does the
 *   same and adds a warning, except for `server.N` lines: two lines for one sid (`server.1` twice,
 *   or `server.1` and `server.01`) are an error here, because it is almost always a copy-paste
 *   slip, while ZooKeeper would quietly keep one of them.
 * - Keys ZooKeeper does not know become Java system properties prefixed with `zookeeper.`; that is
 *   how `snapCount`, `commitLogCount`, `cnxTimeout` and `fastleader.*` in zoo.cfg reach the classes
 *   that read `zookeeper.snapCount` and so on, and why `zookeeper.snapCount` written in zoo.cfg has
 *   no effect (it becomes `zookeeper.zookeeper.snapCount`).
 *
 * What zksim does not model (data directories, client ports, purge, four-letter words, the admin
 * server, metrics, TLS/SASL, ...) is listed in `ignored`. zksim is stricter than ZooKeeper in a few
 * places, each documented where it is checked: sids are 1..255, numbers must be positive, two
 * servers on one host may not share a port, and `tickTime` must be written for an ensemble.
 */
import type { EnsembleConfig, ServerEntry } from './ensemble-config.js';
import { ensembleConfig } from './ensemble-config.js';

/** A zoo.cfg that zksim cannot run. `message` reads `zoo.cfg:7: server.4: what is wrong and the fix`. */
export class ZooCfgError extends Error {
  constructor(
    readonly file: string,
    /** 1-based line of the offending entry (for a missing key: the line that made it required). */
    readonly line: number,
    readonly key: string,
    /** The message without the `file:line: key: ` prefix. */
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${key}: ${reason}`);
    this.name = 'ZooCfgError';
  }
}

/** One `key=value` entry as java.util.Properties reads it, before duplicates are resolved. */
export interface ZooCfgEntry {
  /** Decoded and trimmed, as ZooKeeper uses it. */
  key: string;
  /** Decoded and trimmed, as ZooKeeper uses it. */
  value: string;
  /** Decoded but not trimmed (QuorumMaj reads `server.N` values untrimmed). */
  rawValue: string;
  /** 1-based line where the entry starts. */
  line: number;
}

/** A `server.N` line as written, for summaries; the simulator only needs `config.servers`. */
export interface ZooCfgServer extends ServerEntry {
  /** Host and ports of the first address (the one zksim uses when `|` lists several). */
  host: string;
  quorumPort: number;
  electionPort: number;
  /** From `;clientPort` or `;clientAddr:clientPort`; undefined when the line has none. */
  client?: { host?: string; port: number };
  /** How many `|`-separated addresses the line lists (3.6+ multi-address syntax). */
  addressCount: number;
  line: number;
}

export interface ZooCfg {
  /** Ready to pass to the simulator: servers s<N> with sid N (node names 's' + sid), roles from ':observer' / peerType. */
  config: EnsembleConfig;
  /** Keys zksim read and used, and keys it ignored (dataDir, clientPort, autopurge.*, 4lw..., admin...), for a summary. */
  used: string[];
  ignored: string[];
  /** Things that are allowed but worth knowing, each naming the file and, where there is one, the line. */
  warnings: string[];
  /** The server lines, in sid order (empty for a standalone file). */
  servers: ZooCfgServer[];
  /**
   * True when ZooKeeper would run this file as a single standalone server: no `server.N` lines, or a
   * single participant with standaloneEnabled (the default). `config` then holds just that server.
   */
  standalone: boolean;
  /** `extendedTypesEnabled=true` (TTL nodes; sids limited to 254), for ZkServerConfig. */
  extendedTypesEnabled: boolean;
}

/** ZooKeeperServer.DEFAULT_TICK_TIME: what ZooKeeper uses when tickTime is not written. */
const ZK_DEFAULT_TICK_TIME_MS = 3000;
/** ZKDatabase.DEFAULT_COMMIT_LOG_COUNT: ZooKeeper raises any smaller commitLogCount to this. */
const ZK_MIN_COMMIT_LOG_COUNT = 500;
const JAVA_INT_MAX = 2_147_483_647;
const MAX_SID = 255;
/** EphemeralType.MAX_EXTENDED_SERVER_ID: with extended types the top byte 0xff marks a TTL owner. */
const MAX_EXTENDED_SID = 254;

const SERVER_FORMAT = 'host:quorumPort:electionPort[:participant|observer]';
const SERVER_FIX = 'write it as host:2888:3888, host:2888:3888:observer or host:2888:3888;2181';

// ---------------------------------------------------------------------------------------------
// java.util.Properties.load

/** Whitespace as Properties.load sees it (LineReader): space, tab, form feed. */
function isPropWhite(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\f';
}

/** String.trim: strips every char <= U+0020 at both ends. */
function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return s.slice(a, b);
}

/** Properties.loadConvert: decodes `\uXXXX`, `\t \n \r \f`, and `\x` as `x`. */
function loadConvert(s: string, file: string, line: number, keyForError: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    i++;
    const e = s[i];
    if (e === undefined) break; // a lone trailing backslash is dropped
    if (e === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new ZooCfgError(file, line, keyForError, `malformed \\uXXXX escape "\\u${hex}" (java.util.Properties needs exactly four hex digits, e.g. \\u00e9)`);
      }
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else if (e === 't') out += '\t';
    else if (e === 'n') out += '\n';
    else if (e === 'r') out += '\r';
    else if (e === 'f') out += '\f';
    else out += e;
  }
  return out;
}

/**
 * Every entry of a Java properties text in file order, duplicates included (Properties would keep
 * the last). Lines end at `\n`, `\r\n` or `\r`.
 */
export function readProperties(text: string, file: string): ZooCfgEntry[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const entries: ZooCfgEntry[] = [];
  let i = 0;
  while (i < lines.length) {
    const startLine = i + 1;
    let cur = lines[i++];
    let p = 0;
    while (isPropWhite(cur[p])) p++;
    cur = cur.slice(p);
    if (cur === '' || cur[0] === '#' || cur[0] === '!') continue; // blank or comment (comments never continue)
    // A line ending in an odd number of backslashes continues on the next; that line's leading
    // whitespace is skipped and it is never a comment.
    let logical = '';
    for (;;) {
      let n = 0;
      while (n < cur.length && cur[cur.length - 1 - n] === '\\') n++;
      if (n % 2 === 0 || i >= lines.length) {
        logical += n % 2 === 1 ? cur.slice(0, -1) : cur;
        break;
      }
      logical += cur.slice(0, -1);
      cur = lines[i++];
      let q = 0;
      while (isPropWhite(cur[q])) q++;
      cur = cur.slice(q);
    }
    // The key ends at the first unescaped '=', ':' or whitespace; then whitespace, at most one '=' or
    // ':', and whitespace again are skipped.
    let keyLen = 0;
    let valueStart = logical.length;
    let hasSep = false;
    let backslash = false;
    while (keyLen < logical.length) {
      const c = logical[keyLen];
      if ((c === '=' || c === ':') && !backslash) {
        valueStart = keyLen + 1;
        hasSep = true;
        break;
      }
      if (isPropWhite(c) && !backslash) {
        valueStart = keyLen + 1;
        break;
      }
      backslash = c === '\\' ? !backslash : false;
      keyLen++;
    }
    while (valueStart < logical.length) {
      const c = logical[valueStart];
      if (!isPropWhite(c)) {
        if (!hasSep && (c === '=' || c === ':')) hasSep = true;
        else break;
      }
      valueStart++;
    }
    const rawKey = logical.slice(0, keyLen);
    const key = javaTrim(loadConvert(rawKey, file, startLine, rawKey));
    const rawValue = loadConvert(logical.slice(valueStart), file, startLine, key);
    entries.push({ key, value: javaTrim(rawValue), rawValue, line: startLine });
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Values

function fail(file: string, e: { line: number; key: string }, reason: string): never {
  throw new ZooCfgError(file, e.line, e.key, reason);
}

/**
 * Integer.parseInt (optional '+', decimal digits, within a Java int), and > 0. ZooKeeper itself
 * accepts 0 or negative values for several of these and then misbehaves or fails later ("initLimit
 * is not set" for 0); zksim rejects them here.
 */
function positiveInt(file: string, e: ZooCfgEntry, unit: string, example: string): number {
  if (!/^[+-]?\d+$/.test(e.value)) fail(file, e, `expected a positive whole number of ${unit}, got "${e.value}" (e.g. ${e.key}=${example})`);
  const n = Number(e.value);
  if (Math.abs(n) > JAVA_INT_MAX) fail(file, e, `"${e.value}" does not fit a Java int (at most ${JAVA_INT_MAX}); use e.g. ${e.key}=${example}`);
  if (n <= 0) fail(file, e, `must be a positive number of ${unit}, got ${e.value} (e.g. ${e.key}=${example})`);
  return n;
}

/** QuorumPeerConfig.parseBoolean: "true" or "false", any case. */
function bool(file: string, e: ZooCfgEntry): boolean {
  const v = e.value.toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  return fail(file, e, `expected true or false, got "${e.value}" (ZooKeeper accepts only these, in any case)`);
}

/** An IP port 1..65535 (InetSocketAddress allows 0, an ephemeral port no peer could find). */
function port(file: string, e: ZooCfgEntry, s: string, what: string, context: string): number {
  if (!/^\d+$/.test(s)) fail(file, e, `${what} must be a number, got "${s}" in "${context}" (${SERVER_FIX})`);
  const n = Number(s);
  if (n < 1 || n > 65535) fail(file, e, `${what} ${s} is outside 1..65535 in "${context}"`);
  return n;
}

/**
 * ConfigUtils.getHostAndPort: `host:a:b...` split on ':', or `[v6addr]:a:b...` with the brackets
 * removed. Java's String.split drops trailing empty strings, which matters for `host:2888:`.
 */
function hostAndPorts(file: string, e: ZooCfgEntry, s: string): string[] {
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) fail(file, e, `"${s}" starts with '[' but has no matching ']' (write an IPv6 address as [::1]:2888:3888)`);
    if (close + 1 === s.length) return [s.slice(1, close)];
    if (s[close + 1] !== ':' || close + 2 === s.length) fail(file, e, `"${s}" needs ':port' after the ']' (write an IPv6 address as [::1]:2888:3888)`);
    return [s.slice(1, close), ...javaSplit(s.slice(close + 2), ':')];
  }
  return javaSplit(s, ':');
}

/** String.split(literal): trailing empty strings removed. */
function javaSplit(s: string, sep: string): string[] {
  const parts = s.split(sep);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.length === 0 && s === '' ? [''] : parts;
}

// ---------------------------------------------------------------------------------------------
// server.N

interface ParsedServer extends ZooCfgServer {
  key: string;
}

/** The sid in `server.N`: QuorumMaj uses Long.parseLong of what follows the first dot. */
function parseSid(file: string, e: ZooCfgEntry, extendedTypes: boolean): number {
  const n = e.key.slice('server.'.length);
  if (!/^\+?\d+$/.test(n)) fail(file, e, `the server id after "server." must be a number 1..${MAX_SID}, got "${n}" (e.g. server.1=host:2888:3888)`);
  const sid = Number(n);
  if (sid < 1 || sid > MAX_SID) {
    fail(file, e, `server id ${n} is outside 1..${MAX_SID}: a session id carries its server's id in the top byte, so ids above 255 collide (zksim also rejects 0); renumber it`);
  }
  if (extendedTypes && sid > MAX_EXTENDED_SID) {
    fail(file, e, `server id ${sid} is above ${MAX_EXTENDED_SID}, the limit with extendedTypesEnabled=true (the top byte 0xff marks TTL nodes); renumber it or turn extended types off`);
  }
  return sid;
}

/**
 * QuorumServer.initializeWithAddressString: `addr[|addr...][;client]` where addr is
 * host:quorumPort:electionPort[:participant|observer] and client is port or host:port.
 */
function parseServer(file: string, e: ZooCfgEntry, sid: number, warnings: string[]): ParsedServer {
  const value = e.value;
  if (value === '') fail(file, e, `expected ${SERVER_FORMAT}, got nothing (${SERVER_FIX})`);
  const serverClient = javaSplit(value, ';');
  if (serverClient.length > 2) {
    fail(file, e, `expected ${SERVER_FORMAT}[;[clientAddr:]clientPort] with at most one ';', got "${value}" (${SERVER_FIX})`);
  }
  let client: ZooCfgServer['client'];
  if (serverClient.length === 2) {
    const c = hostAndPorts(file, e, serverClient[1]);
    if (c.length > 2) fail(file, e, `expected ";clientPort" or ";clientAddr:clientPort" after the server address, got ";${serverClient[1]}" (e.g. ";2181" or ";0.0.0.0:2181")`);
    const clientPort = port(file, e, c[c.length - 1], 'the client port', value);
    client = c.length === 2 ? { host: c[0], port: clientPort } : { port: clientPort };
  }
  const addresses = javaSplit(serverClient[0], '|');
  let role: ServerEntry['role'] | undefined;
  let first: { host: string; quorumPort: number; electionPort: number } | undefined;
  for (const addr of addresses) {
    const parts = hostAndPorts(file, e, addr);
    if (parts.length < 3 || parts.length > 4) {
      const hint =
        parts.length < 3 ? `add the missing port, e.g. "${parts[0] || 'localhost'}:2888:3888"` : `a client port goes after ';', e.g. "${parts[0]}:${parts[1]}:${parts[2]};${parts[4] ?? parts[3]}"`;
      fail(file, e, `expected ${SERVER_FORMAT}, got "${addr}" (${hint})`);
    }
    const host = parts[0];
    if (javaTrim(host) === '') fail(file, e, `the host is empty in "${addr}" (e.g. "localhost:2888:3888")`);
    const quorumPort = port(file, e, parts[1], 'the quorum port', addr);
    const electionPort = port(file, e, parts[2], 'the election port', addr);
    if (quorumPort === electionPort) {
      fail(file, e, `the quorum port and the election port are both ${quorumPort} in "${addr}"; ZooKeeper requires them to differ (e.g. ${host}:2888:3888)`);
    }
    if (parts.length === 4) {
      const t = javaTrim(parts[3]).toLowerCase();
      if (t !== 'participant' && t !== 'observer') {
        fail(file, e, `unknown role "${parts[3]}" in "${addr}": expected ${SERVER_FORMAT} (the role is participant or observer)`);
      }
      if (role !== undefined && role !== t) fail(file, e, `the addresses separated by '|' have different roles (${role} and ${t}); give them all the same role`);
      role = t;
    }
    first ??= { host, quorumPort, electionPort };
  }
  if (first === undefined) fail(file, e, `expected ${SERVER_FORMAT}, got "${value}" (${SERVER_FIX})`);
  if (addresses.length > 1) {
    warnings.push(
      `${file}:${e.line}: ${e.key} lists ${addresses.length} addresses separated by '|' (3.6+ multi-address); zksim models one link per pair of servers and uses the first, ${first.host}:${first.quorumPort}:${first.electionPort}. ZooKeeper 3.8 accepts '|' only when the JVM runs with -Dzookeeper.multiAddress.enabled=true (QuorumServer reads that system property, not the zoo.cfg key).`,
    );
  }
  if (e.rawValue !== e.value && /\d$/.test(e.value)) {
    warnings.push(`${file}:${e.line}: ${e.key} has whitespace after its last port; zksim trims it, but ZooKeeper 3.8 reads server.N values untrimmed and fails to parse the port. Remove it.`);
  }
  return {
    key: e.key,
    sid,
    node: `s${sid}`,
    role: role ?? 'participant',
    ...first,
    ...(client === undefined ? {} : { client }),
    addressCount: addresses.length,
    line: e.line,
  };
}

// ---------------------------------------------------------------------------------------------
// zoo.cfg

/** Keys that map straight onto a positive-integer field of EnsembleConfig. */
const NUMERIC_KEYS = {
  tickTime: { field: 'tickTimeMs', unit: 'milliseconds', example: '2000' },
  initLimit: { field: 'initLimit', unit: 'ticks', example: '10' },
  syncLimit: { field: 'syncLimit', unit: 'ticks', example: '5' },
  minSessionTimeout: { field: 'minSessionTimeoutMs', unit: 'milliseconds', example: '4000' },
  maxSessionTimeout: { field: 'maxSessionTimeoutMs', unit: 'milliseconds', example: '40000' },
  // The rest reach ZooKeeper as system properties (zookeeper.<key>), read by the classes that use them.
  snapCount: { field: 'snapCount', unit: 'transactions', example: '100000' },
  commitLogCount: { field: 'commitLogCount', unit: 'proposals', example: '500' },
  cnxTimeout: { field: 'cnxTimeoutMs', unit: 'milliseconds', example: '5000' },
  'fastleader.minNotificationInterval': { field: 'minNotificationIntervalMs', unit: 'milliseconds', example: '200' },
  'fastleader.maxNotificationInterval': { field: 'maxNotificationIntervalMs', unit: 'milliseconds', example: '60000' },
} as const satisfies Record<string, { field: keyof EnsembleConfig; unit: string; example: string }>;
type NumericKey = keyof typeof NUMERIC_KEYS;

function isNumericKey(k: string): k is NumericKey {
  return Object.prototype.hasOwnProperty.call(NUMERIC_KEYS, k);
}

/**
 * Parses the text of a zoo.cfg. `file` names it in messages (e.g. "zoo.cfg" or its path).
 * Throws {@link ZooCfgError} for anything ZooKeeper would reject or zksim cannot run.
 */
export function parseZooCfg(text: string, file: string): ZooCfg {
  const entries = readProperties(text, file);
  const warnings: string[] = [];
  const used: string[] = [];
  const ignored: string[] = [];
  const note = (list: string[], key: string) => {
    if (!list.includes(key)) list.push(key);
  };

  // dynamicConfigFile moves the server list to a second file (and ZooKeeper then rejects server.N
  // lines here); zksim reads exactly one file.
  const dyn = entries.filter((e) => e.key === 'dynamicConfigFile').pop();
  if (dyn !== undefined) {
    fail(file, dyn, `not supported: zksim reads a single file. Copy the server.N lines from ${dyn.value || 'the dynamic file'} into this file and remove dynamicConfigFile`);
  }

  // Properties keeps the last value of a key: only that one is validated, as in ZooKeeper.
  const last = new Map<string, ZooCfgEntry>();
  const seenLines = new Map<string, number[]>();
  for (const e of entries) {
    last.set(e.key, e);
    seenLines.set(e.key, [...(seenLines.get(e.key) ?? []), e.line]);
  }
  const extendedTypes = last.has('extendedTypesEnabled') ? bool(file, last.get('extendedTypesEnabled')!) : false;

  const values: Partial<Record<NumericKey, { n: number; e: ZooCfgEntry }>> = {};
  const serversBySid = new Map<number, ParsedServer>();
  let standaloneEnabled = true;
  let firstServerLine: number | undefined;

  for (const e of entries) {
    const k = e.key;
    if (k.startsWith('server.')) {
      const sid = parseSid(file, e, extendedTypes);
      const prev = serversBySid.get(sid);
      if (prev !== undefined) {
        fail(file, e, `server id ${sid} is already defined on line ${prev.line} (${prev.key}); ZooKeeper would silently keep only one of them. Remove one line or give it another id`);
      }
      const s = parseServer(file, e, sid, warnings);
      serversBySid.set(sid, s);
      firstServerLine ??= e.line;
      note(used, k);
      continue;
    }
    if (last.get(k) !== e) continue; // overridden by a later line
    const lines = seenLines.get(k)!;
    if (lines.length > 1) {
      warnings.push(`${file}:${e.line}: ${k} is set on lines ${lines.join(', ')}; as in java.util.Properties, the last one (line ${e.line}) wins`);
    }
    if (k.startsWith('group') || k.startsWith('weight')) {
      fail(file, e, `hierarchical quorums (group.N / weight.N) are not supported by zksim, which counts majorities of participants; remove the group and weight lines`);
    }
    if (isNumericKey(k)) {
      // ZooKeeper's own "not set" value for the session timeouts is -1.
      if ((k === 'minSessionTimeout' || k === 'maxSessionTimeout') && e.value === '-1') {
        note(used, k);
        continue;
      }
      const spec = NUMERIC_KEYS[k];
      values[k] = { n: positiveInt(file, e, spec.unit, spec.example), e };
      note(used, k);
      continue;
    }
    switch (k) {
      case 'electionAlg': {
        // Since 3.6 only 3 (Fast Leader Election over TCP) exists; ZooKeeper refuses anything else.
        if (e.value !== '3') fail(file, e, `only 3 (Fast Leader Election) is supported since ZooKeeper 3.6, got "${e.value}"; write electionAlg=3 or remove the line`);
        note(used, k);
        break;
      }
      case 'standaloneEnabled':
        standaloneEnabled = bool(file, e);
        note(used, k);
        break;
      case 'extendedTypesEnabled':
        note(used, k); // parsed above: it limits the sids
        break;
      case 'reconfigEnabled':
        bool(file, e); // ZooKeeper rejects anything but true/false
        note(ignored, k);
        break;
      case 'peerType': {
        // ZooKeeper reads peerType as the role of *this* server (the one whose myid file sits in
        // dataDir), and since 3.5 the server list wins anyway: QuorumPeerConfig.setupPeerType warns
        // and uses the role from server.N when they differ. zksim reads no myid, so it cannot tell
        // which server "this" is: peerType changes nothing here, and an observer must be marked
        // with ':observer' on its server.N line, as it must for ZooKeeper's other servers too.
        const v = e.value.toLowerCase();
        if (v !== 'observer' && v !== 'participant') fail(file, e, `expected observer or participant, got "${e.value}"`);
        warnings.push(
          `${file}:${e.line}: peerType=${e.value} is ignored: it describes the server that reads this file, which zksim cannot know (it reads no myid), and ZooKeeper itself uses the role from the server list; mark observers as server.N=host:2888:3888:observer`,
        );
        note(ignored, k);
        break;
      }
      default:
        if (k.startsWith('zookeeper.')) {
          const bare = k.slice('zookeeper.'.length);
          warnings.push(
            `${file}:${e.line}: ${k} has no effect in zoo.cfg: ZooKeeper makes unknown keys system properties by prefixing "zookeeper.", so this sets zookeeper.${k}; write ${bare}=${e.value} instead`,
          );
        }
        note(ignored, k);
    }
  }

  const servers = [...serversBySid.values()].sort((a, b) => a.sid - b.sid);
  const participants = servers.filter((s) => s.role === 'participant');
  const observerCount = servers.length - participants.length;
  const anyServerLine = firstServerLine ?? 1;

  // Membership, as QuorumPeerConfig.parseDynamicConfig checks it.
  if (servers.length > 0 && participants.length === 0) {
    throw new ZooCfgError(file, anyServerLine, servers[0].key, `every server is an observer; an ensemble needs at least one participant (remove ':observer' from at least one server.N line)`);
  }
  if (servers.length === 0 && !standaloneEnabled) {
    const e = last.get('standaloneEnabled')!;
    fail(file, e, `standaloneEnabled=false needs server.N lines (at least one participant); add them, or remove this line to run a standalone server`);
  }
  const standalone = servers.length === 0 || (participants.length === 1 && standaloneEnabled);
  if (participants.length === 1 && standaloneEnabled && observerCount > 0) {
    throw new ZooCfgError(
      file,
      participants[0].line,
      participants[0].key,
      `observers need a quorum, but this is the only participant and standaloneEnabled is true (the default), so ZooKeeper would run it standalone; add participants or set standaloneEnabled=false`,
    );
  }

  // Two servers on one host cannot share a port: the election port is always bound, the quorum
  // port by whichever is leading. ZooKeeper does not check this; it fails when binding. Hosts are
  // compared as written (localhost and 127.0.0.1 count as different hosts).
  const ports = new Map<string, { s: ParsedServer; what: string }>();
  for (const s of [...servers].sort((a, b) => a.line - b.line)) {
    for (const [p, what] of [
      [s.quorumPort, 'quorum port'],
      [s.electionPort, 'election port'],
    ] as const) {
      const id = `${s.host.toLowerCase()}:${p}`;
      const prev = ports.get(id);
      if (prev !== undefined) {
        throw new ZooCfgError(
          file,
          s.line,
          s.key,
          `${s.host}:${p} (its ${what}) is already the ${prev.what} of ${prev.s.key} on line ${prev.s.line}; servers on one host need their own quorum and election ports (e.g. ${s.host}:${2888 + s.sid - 1}:${3888 + s.sid - 1})`,
        );
      }
      ports.set(id, { s, what });
    }
  }

  // Timing. ZooKeeper requires initLimit and syncLimit only for an ensemble (checkValidity, when
  // isDistributed). It would fall back to tickTime=3000 when tickTime is missing; zksim insists on
  // it for an ensemble, since every timeout is measured in ticks.
  const missing = (key: string, reason: string): never => {
    throw new ZooCfgError(file, anyServerLine, key, reason);
  };
  if (!standalone) {
    if (values.tickTime === undefined) {
      missing('tickTime', `not set, and this file describes an ensemble (its server.N lines start here); add tickTime=2000 as in the sample zoo.cfg (ZooKeeper 3.8 would silently use 3000)`);
    }
    if (values.initLimit === undefined) {
      missing('initLimit', `not set, and ZooKeeper requires it for an ensemble (its server.N lines start here); add initLimit=10, the ticks a follower may take to connect and sync`);
    }
    if (values.syncLimit === undefined) {
      missing('syncLimit', `not set, and ZooKeeper requires it for an ensemble (its server.N lines start here); add syncLimit=5, the ticks a follower may lag behind the leader`);
    }
  }
  const tickTimeMs = values.tickTime?.n ?? ZK_DEFAULT_TICK_TIME_MS;
  if (values.tickTime === undefined) {
    warnings.push(`${file}: tickTime is not set; zksim uses ZooKeeper's default, ${ZK_DEFAULT_TICK_TIME_MS} ms`);
  }
  const minSession = values.minSessionTimeout?.n ?? 2 * tickTimeMs;
  const maxSession = values.maxSessionTimeout?.n ?? 20 * tickTimeMs;
  if (minSession > maxSession) {
    const e = values.minSessionTimeout?.e ?? values.maxSessionTimeout!.e;
    const how =
      values.minSessionTimeout !== undefined && values.maxSessionTimeout !== undefined
        ? `${minSession} > ${maxSession}`
        : values.minSessionTimeout !== undefined
          ? `${minSession} > ${maxSession}, the default maxSessionTimeout (20 × tickTime)`
          : `the default minSessionTimeout (2 × tickTime) ${minSession} > ${maxSession}`;
    fail(file, e, `minSessionTimeout must not be larger than maxSessionTimeout (${how}); lower minSessionTimeout or raise maxSessionTimeout`);
  }

  const overrides: Partial<Omit<EnsembleConfig, 'servers'>> = { tickTimeMs, minSessionTimeoutMs: minSession, maxSessionTimeoutMs: maxSession };
  for (const k of Object.keys(values) as NumericKey[]) {
    const v = values[k]!;
    let n = v.n;
    if (k === 'snapCount' && n < 2) {
      warnings.push(`${file}:${v.e.line}: snapCount=${n} is below 2; like ZooKeeper, zksim uses 2`);
      n = 2;
    }
    if (k === 'commitLogCount' && n < ZK_MIN_COMMIT_LOG_COUNT) {
      warnings.push(`${file}:${v.e.line}: commitLogCount=${n} is below ${ZK_MIN_COMMIT_LOG_COUNT}; like ZooKeeper (ZKDatabase), zksim uses ${ZK_MIN_COMMIT_LOG_COUNT}`);
      n = ZK_MIN_COMMIT_LOG_COUNT;
    }
    if (k === 'tickTime' || k === 'minSessionTimeout' || k === 'maxSessionTimeout') continue;
    (overrides as Record<string, number>)[NUMERIC_KEYS[k].field] = n;
  }

  // Who runs.
  let entries2: ServerEntry[];
  if (servers.length === 0) {
    entries2 = [{ sid: 1, node: 's1', role: 'participant' }];
    warnings.push(`${file}: no server.N lines: this is a standalone configuration; zksim runs it as the single server s1 (sid 1)`);
  } else if (standalone) {
    const p = participants[0];
    entries2 = [{ sid: p.sid, node: p.node, role: 'participant' }];
    warnings.push(
      `${file}:${p.line}: ${p.key} is the only server and standaloneEnabled is true (the default), so ZooKeeper runs it standalone, without election or ZAB; zksim runs the single server ${p.node}. Set standaloneEnabled=false for a one-member ensemble`,
    );
  } else {
    entries2 = servers.map((s) => ({ sid: s.sid, node: s.node, role: s.role }));
    const n = participants.length;
    if (n <= 2) {
      warnings.push(`${file}: ${n} participant${n === 1 ? '' : 's'}: no server failure will be tolerated; ZooKeeper recommends at least 3`);
    } else if (n % 2 === 0) {
      const quorum = Math.floor(n / 2) + 1;
      warnings.push(
        `${file}: ${n} participants, an even number: a quorum needs ${quorum}, so it tolerates ${n - quorum} failure${n - quorum === 1 ? '' : 's'}, as ${n - 1} participants would (ZooKeeper: "Non-optimal configuration, consider an odd number of servers")`,
      );
    }
  }

  return {
    config: ensembleConfig(entries2, overrides),
    used,
    ignored,
    warnings,
    servers: servers.map(({ key: _key, ...s }) => s),
    standalone,
    extendedTypesEnabled: extendedTypes,
  };
}
