/**
 * Conversions from node-zookeeper-client's wire values (64-bit longs as 8-byte big-endian Buffers) to
 * the ZkClient types. zxids stay two 32-bit halves: a JavaScript number cannot hold every 64-bit value.
 */
import type { Data, SessionId, Stat } from '../sim/client/zk-client.js';
import type { Zxid } from '../sim/zk/zxid.js';
import type { JuteStat } from './zk-internals.js';

export function toZxid(long: Buffer): Zxid {
  return { epoch: long.readUInt32BE(0), counter: long.readUInt32BE(4) };
}

/** 0x and 16 lower-case hex digits, as ZooKeeper prints session ids. */
export function toSessionId(long: Buffer): SessionId {
  return `0x${long.toString('hex')}`;
}

/** Milliseconds since the epoch; exact, since real times are far below 2^53. */
export function toMillis(long: Buffer): number {
  return Number(long.readBigInt64BE(0));
}

export function toStat(s: JuteStat): Stat {
  return {
    czxid: toZxid(s.czxid),
    mzxid: toZxid(s.mzxid),
    pzxid: toZxid(s.pzxid),
    ctime: toMillis(s.ctime),
    mtime: toMillis(s.mtime),
    version: s.version,
    cversion: s.cversion,
    aversion: s.aversion,
    ephemeralOwner: toSessionId(s.ephemeralOwner),
    dataLength: s.dataLength,
    numChildren: s.numChildren,
  };
}

/**
 * Data to send: a string as UTF-8 bytes; null as `undefined`, which the library's jute serialiser writes as
 * length -1, i.e. a Java null byte array (the server then returns null from getData).
 */
export function toWireData(data: Data): Buffer | undefined {
  return data === null ? undefined : Buffer.from(data, 'utf8');
}

/** Data received: the library decodes length -1 as `undefined` (null) and length 0 as an empty Buffer (""). */
export function fromWireData(buf: unknown): Data {
  return Buffer.isBuffer(buf) ? buf.toString('utf8') : null;
}
