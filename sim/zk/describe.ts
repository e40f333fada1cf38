/** One short phrase per transaction, for trace notes and the viz narration. */
import type { SubTxn, Txn } from './txn.js';

function sub(t: SubTxn): string {
  switch (t.type) {
    case 'create':
      return `create ${t.path}`;
    case 'delete':
      return `delete ${t.path}`;
    case 'setData':
      return `setData ${t.path} v${t.version}`;
    case 'check':
      return `check ${t.path}`;
    case 'error':
      return `error ${t.rc}`;
  }
}

export function describeTxn(txn: Txn): string {
  const b = txn.body;
  switch (b.type) {
    case 'multi':
      return `multi [${b.txns.map(sub).join(', ')}]`;
    case 'createSession':
      return `createSession ${b.sessionId} timeout ${b.timeoutMs}`;
    case 'closeSession':
      return `closeSession ${b.sessionId}${b.paths.length > 0 ? ` deleting ${b.paths.join(' ')}` : ''}`;
    case 'deleteContainer':
      return `deleteContainer ${b.path}`;
    default:
      return sub(b);
  }
}
