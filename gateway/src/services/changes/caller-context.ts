// Who is asking for a change: the MCP client (its clientInfo) and, once authentication exists, the
// user it acts for. The MCP layer runs each tools/call inside `withCaller`, so services deep down
// can put the names in commit trailers without every handler passing them along.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface Caller {
  client?: { name: string; version?: string };
  /** The authenticated user (e.g. an e-mail from the OAuth front), when known. */
  user?: string;
}

const storage = new AsyncLocalStorage<Caller>();

export function withCaller<T>(caller: Caller, work: () => T): T {
  return storage.run(caller, work);
}

function currentCaller(): Caller {
  return storage.getStore() ?? {};
}

/** Trailers naming the caller. Values come from the client, so they are flattened to one short line. */
export function callerTrailers(caller: Caller = currentCaller()): Record<string, string> {
  const trailers: Record<string, string> = {};
  if (caller.client !== undefined) {
    const name = oneLine(caller.client.name);
    const version = caller.client.version === undefined ? '' : oneLine(caller.client.version);
    if (name !== '') trailers['MCP-Client'] = version === '' ? name : `${name}/${version}`;
  }
  if (caller.user !== undefined && oneLine(caller.user) !== '') trailers['On-Behalf-Of'] = oneLine(caller.user);
  return trailers;
}

function oneLine(value: unknown): string {
  // eslint-disable-next-line no-control-regex
  return typeof value === 'string' ? value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim().slice(0, 200) : '';
}
