/**
 * ZooKeeper's four-letter words over a raw socket, used to read the server's last zxid (`srvr`) without a
 * session: opening a session would itself consume a zxid.
 */
import { connect } from 'node:net';
import type { Zxid } from '../sim/zk/zxid.js';

/** The first host:port of a connect string such as "127.0.0.1:2181,host2:2181/chroot". */
export function firstServer(connectString: string): { host: string; port: number } {
  const first = connectString.split('/')[0].split(',')[0].trim();
  const m = /^(.*?)(?::(\d+))?$/.exec(first);
  const host = (m?.[1] ?? '').replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  return { host, port: m?.[2] ? Number(m[2]) : 2181 };
}

/** Sends `word` (e.g. "srvr") and resolves with the whole answer; the server closes the socket after it. */
export function fourLetterWord(connectString: string, word: string, timeoutMs = 5000): Promise<string> {
  const { host, port } = firstServer(connectString);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host, port }, () => socket.write(word));
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer to ${word} from ${host}:${port} within ${timeoutMs} ms`)));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** Parses "0x1a" / "0x100000003" into (epoch, counter). */
export function parseZxid(hex: string): Zxid {
  const v = BigInt(hex);
  return { epoch: Number(v >> 32n), counter: Number(v & 0xffffffffn) };
}

/** The server's last processed zxid, from the "Zxid: 0x…" line of `srvr`. */
export async function readServerZxid(connectString: string): Promise<Zxid> {
  const answer = await fourLetterWord(connectString, 'srvr');
  const m = /^Zxid: (0x[0-9a-fA-F]+)$/m.exec(answer);
  if (m === null) throw new Error(`srvr gave no Zxid line (is srvr in 4lw.commands.whitelist?): ${JSON.stringify(answer.slice(0, 200))}`);
  return parseZxid(m[1]);
}
