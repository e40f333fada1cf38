/**
 * Client connections as the trace shows them: which client talks to which server, the session the
 * server gave the connection, the requests the client sent (by xid) and, in order, what the client
 * was delivered (replies, watch events, pongs). A write's transaction names its session and the
 * client's xid (cxid), which leads back to the request — and so to what the client asked for.
 */
import type { Ref } from './common.js';
import type { ClientRequest, ClientToServer, ServerToClient } from './payloads.js';

export interface SentRequest {
  xid: number;
  req: ClientRequest;
  ref: Ref;
}

export interface ClientConn {
  conn: number;
  client: string;
  server: string;
  session: string | undefined;
  /** Requests sent and not answered yet, by xid. */
  requests: Map<number, SentRequest>;
  open: boolean;
}

export interface ClientListener {
  clientRequest?(c: ClientConn, r: SentRequest): void;
  /** A message the client was delivered; `req` is the request a reply answers. */
  clientReceived?(c: ClientConn, m: ServerToClient, req: SentRequest | undefined, ref: Ref): void;
  /** The client's end of the connection is gone (closed, reset, or the client crashed). */
  clientClosed?(c: ClientConn, ref: Ref): void;
}

export class ClientModel {
  readonly conns = new Map<number, ClientConn>();
  /** Write requests by `${session}#${xid}`, for reading transactions back to what was asked. */
  private readonly writes = new Map<string, SentRequest & { client: string }>();
  /** Session → the client process that holds it (the last one the server said so to). */
  private readonly holders = new Map<string, string>();

  constructor(private readonly listeners: ClientListener[]) {}

  connected(conn: number, client: string, server: string): void {
    this.conns.set(conn, { conn, client, server, session: undefined, requests: new Map(), open: true });
  }

  private conn(conn: number, client: string, server: string): ClientConn {
    let c = this.conns.get(conn);
    if (c === undefined) {
      c = { conn, client, server, session: undefined, requests: new Map(), open: true };
      this.conns.set(conn, c);
    }
    return c;
  }

  sentByClient(conn: number, client: string, server: string, m: ClientToServer, ref: Ref): void {
    if (m.t !== 'request') return;
    const c = this.conn(conn, client, server);
    const r: SentRequest = { xid: m.xid, req: m.req, ref };
    c.requests.set(m.xid, r);
    if (c.session !== undefined) this.index(c, r);
    for (const l of this.listeners) l.clientRequest?.(c, r);
  }

  sentByServer(conn: number, server: string, client: string, m: ServerToClient): void {
    if (m.t !== 'connected' || m.timeoutMs <= 0) return;
    const c = this.conn(conn, client, server);
    c.session = m.sessionId;
    this.holders.set(m.sessionId, client);
    for (const r of c.requests.values()) this.index(c, r);
  }

  private index(c: ClientConn, r: SentRequest): void {
    const op = r.req.op;
    if (op === 'create' || op === 'delete' || op === 'setData' || op === 'multi' || op === 'closeSession') this.writes.set(`${c.session}#${r.xid}`, { ...r, client: c.client });
  }

  /** The client that holds a session, for naming it in reports. */
  clientOf(session: string): string | undefined {
    return this.holders.get(session);
  }

  /** The write a transaction came from, by its session and cxid. */
  writeRequest(session: string, cxid: number | undefined): (SentRequest & { client: string }) | undefined {
    return cxid === undefined ? undefined : this.writes.get(`${session}#${cxid}`);
  }

  delivered(conn: number, to: string, from: string, m: ServerToClient, ref: Ref): void {
    const c = this.conn(conn, to, from);
    let req: SentRequest | undefined;
    if (m.t === 'reply') {
      req = c.requests.get(m.xid);
      c.requests.delete(m.xid);
    }
    for (const l of this.listeners) l.clientReceived?.(c, m, req, ref);
  }

  closed(conn: number, node: string, ref: Ref): void {
    const c = this.conns.get(conn);
    if (c === undefined || c.client !== node || !c.open) return;
    c.open = false;
    for (const l of this.listeners) l.clientClosed?.(c, ref);
    this.conns.delete(conn);
  }

  crashed(node: string, ref: Ref): void {
    for (const c of [...this.conns.values()]) if (c.client === node) this.closed(c.conn, node, ref);
  }
}
