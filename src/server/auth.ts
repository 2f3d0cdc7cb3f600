import type { MiddlewareHandler } from 'hono';
import { TailorError } from '../core/errors.js';
import type { AppEnv, ServerDeps } from './context.js';
import { ROLE_RANK, type Principal, type Role } from './keys.js';

/** Acts for every request while the server runs open (no key exists, loopback only). */
export const OPEN_PRINCIPAL: Principal = { keyId: 'open', name: 'open (no keys configured)', role: 'admin', collections: ['*'] };

/** Resolves `Authorization: Bearer <key>` (or `x-api-key`) to the principal, or 401. */
export function authenticate(deps: Pick<ServerDeps, 'keys' | 'allowOpen'>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const presented = header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : (c.req.header('x-api-key') ?? '').trim();
    // A valid key answers in one lookup (a shared key table is read on every request); only without one does emptiness matter.
    const principal = presented ? await deps.keys.verify(presented) : undefined;
    if (!principal && (await deps.keys.isEmpty())) {
      if (!deps.allowOpen) throw new TailorError('UNAUTHENTICATED', 'This server requires API keys but none exist: create one with `tailor keys create --role admin --collections "*" --name admin`.');
      c.set('principal', OPEN_PRINCIPAL);
      return next();
    }
    if (!presented) throw new TailorError('UNAUTHENTICATED', 'Missing API key: send `Authorization: Bearer <key>` (create keys with `tailor keys create`).');
    if (!principal) throw new TailorError('UNAUTHENTICATED', 'The API key is not valid (revoked or mistyped).');
    c.set('principal', principal);
    return next();
  };
}

export function requireRole(principal: Principal, role: Role): void {
  if (ROLE_RANK[principal.role] < ROLE_RANK[role]) {
    throw new TailorError('FORBIDDEN', `This needs the ${role} role; the key "${principal.name}" is a ${principal.role}.`);
  }
}

export function grants(principal: Principal, collection: string): boolean {
  return principal.collections.includes('*') || principal.collections.includes(collection);
}

export function seesAll(principal: Principal): boolean {
  return principal.collections.includes('*');
}

/**
 * The collections a query may read: the requested ones the key is granted, else
 * every granted one. `undefined` means "all" and is only returned for "*" keys.
 * The result goes into Filter.collections so the store enforces it in its query.
 */
export function readScope(principal: Principal, requested?: string[]): string[] | undefined {
  if (requested !== undefined) return [...new Set(requested.filter((name) => grants(principal, name)))];
  return seesAll(principal) ? undefined : [...principal.collections];
}

/** Writes to a collection need editor and a grant; the answer is the same whether or not it exists. */
export function requireWrite(principal: Principal, collection: string): void {
  requireRole(principal, 'editor');
  if (!grants(principal, collection)) {
    throw new TailorError('FORBIDDEN', `The key "${principal.name}" has no grant for the collection "${collection}".`);
  }
}

/** Reads of a collection the key is not granted look exactly like a missing collection. */
export function requireRead(principal: Principal, collection: string): void {
  if (!grants(principal, collection)) throw notFoundCollection(collection);
}

export function notFoundCollection(name: string): TailorError {
  return new TailorError('NOT_FOUND', `No collection "${name}" (or your key has no access to it).`);
}
