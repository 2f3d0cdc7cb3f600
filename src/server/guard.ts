import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import { TailorError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { AppEnv } from './context.js';
import { limitBody } from './limits.js';

/**
 * The address the server listens on, known once `listen` has bound it. Before that
 * (in-process `app.request` in tests and embedders) there is no network to guard.
 */
export interface BoundAddress {
  host: string;
  port: number;
  /** Extra `Host` values people reach the server by (a reverse proxy's name): `name` or `name:port`. */
  allowedHosts: string[];
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]', '::1'];
const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.includes(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Splits a `Host` header (`name`, `name:port`, `[v6]:port`) into its name and port (80 when absent). */
export function parseHostHeader(value: string): { name: string; port: number } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!match) return undefined;
  return { name: match[1]!.toLowerCase(), port: match[2] ? Number(match[2]) : 80 };
}

/**
 * Whether a `Host` header names this server. A DNS-rebinding page reaches us under its
 * own name (`attacker.example`), so only the bound address, the loopback names when bound
 * to loopback, IP literals when bound to every interface, and `--allowed-hosts` pass.
 */
export function hostAllowed(header: string | undefined, bound: BoundAddress): boolean {
  if (!header) return false;
  const host = parseHostHeader(header);
  if (!host) return false;
  for (const entry of bound.allowedHosts) {
    const allowed = parseHostHeader(entry);
    if (allowed && allowed.name === host.name && (/:\d+$/.test(entry) ? allowed.port === host.port : true)) return true;
  }
  if (host.port !== bound.port) return false;
  const boundName = bound.host.includes(':') && !bound.host.startsWith('[') ? `[${bound.host}]` : bound.host.toLowerCase();
  if (host.name === boundName) return true;
  if (isLoopbackHost(bound.host.replace(/^\[|\]$/g, '')) && isLoopbackHost(host.name)) return true;
  if (WILDCARD.has(bound.host)) return isLoopbackHost(host.name) || isIP(host.name.replace(/^\[|\]$/g, '')) !== 0;
  return false;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Refuses requests for another host name (DNS rebinding) and state changes driven by another site's page. */
export function guardOrigin(bound: () => BoundAddress | undefined, logger: Logger): MiddlewareHandler<AppEnv> {
  const refuse = (c: { req: { method: string; path: string } }, why: string) => logger.log('warn', `refused ${c.req.method} ${c.req.path}: ${why}`);
  return async (c, next) => {
    const address = bound();
    if (!address) return next();
    const host = c.req.header('host');
    if (!hostAllowed(host, address)) {
      refuse(c, `foreign Host ${JSON.stringify(host ?? '')}`);
      throw new TailorError('FORBIDDEN', `This server does not answer to the host name "${host ?? ''}"; reach it as http://${address.host}:${address.port}, or start it with --allowed-hosts ${parseHostHeader(host ?? '')?.name ?? '<name>'} if that name is yours.`);
    }
    if (STATE_CHANGING.has(c.req.method)) {
      if ((c.req.header('sec-fetch-site') ?? '').toLowerCase() === 'cross-site') {
        refuse(c, 'Sec-Fetch-Site: cross-site');
        throw new TailorError('FORBIDDEN', 'Refused: this request was sent by a page on another site (Sec-Fetch-Site: cross-site). Use the web UI served by Tailor itself, or a client that is not a browser.');
      }
      const origin = c.req.header('origin');
      if (origin !== undefined && !sameOrigin(origin, host!)) {
        refuse(c, `foreign Origin ${JSON.stringify(origin)}`);
        throw new TailorError('FORBIDDEN', `Refused: a page from ${origin} may not change anything here. Use the web UI served by Tailor itself, or a client that is not a browser (they send no Origin).`);
      }
    }
    return next();
  };
}

function sameOrigin(origin: string, host: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file:) and garbage are foreign
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  // The Origin must name the very host the request was sent to (already checked to be ours).
  const withoutDefaultPort = (value: string) => value.toLowerCase().replace(/:(80|443)$/, '');
  return withoutDefaultPort(url.host) === withoutDefaultPort(host);
}

/** Matches the routes that take multipart uploads: POST /api/collections/:name/documents, /api/datasets/upload and /validate. */
const UPLOAD_ROUTE = /^\/api\/(?:collections\/[^/]+\/documents|datasets\/(?:upload|validate))\/?$/;

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * A refused body this large (or of unknown length) is not worth reading to its end: the connection is
 * closed after the refusal (lingering, linger.ts, so the client still reads it). A smaller one is read
 * and discarded, and the connection kept.
 */
const DRAIN_REFUSED_UP_TO = 1024 * 1024;

function notWorthDraining(headers: Headers): boolean {
  if (headers.has('transfer-encoding')) return true;
  return Number(headers.get('content-length') ?? 0) > DRAIN_REFUSED_UP_TO;
}

function hasBody(headers: Headers): boolean {
  const length = headers.get('content-length');
  return headers.has('transfer-encoding') || (length !== null && length.trim() !== '0');
}

/**
 * Each route takes one kind of body, checked before a byte of it is read: the upload
 * route multipart up to the upload limit, every other route JSON up to the JSON limit
 * (a declared length over it is refused at once; an undeclared one is counted as it streams).
 */
export function guardBodies(limits: { maxJsonBytes: number; maxUploadBytes: number }): MiddlewareHandler<AppEnv> {
  const jsonLimit = limitBody(limits.maxJsonBytes, 'request body');
  const uploadLimit = limitBody(limits.maxUploadBytes, 'upload');
  return async (c, next) => {
    if (!hasBody(c.req.raw.headers)) return next();
    const type = mediaType(c.req.header('content-type'));
    if (c.req.method === 'POST' && UPLOAD_ROUTE.test(c.req.path)) {
      if (type !== 'multipart/form-data') {
        throw new TailorError('UNSUPPORTED_MEDIA_TYPE', `Uploads are multipart/form-data with the files in the field "files"; this request was "${type || 'untyped'}".`);
      }
      return uploadLimit(c, next);
    }
    if (type !== 'application/json') {
      throw new TailorError('UNSUPPORTED_MEDIA_TYPE', `This route takes a JSON body: send it with Content-Type: application/json (this request was "${type || 'untyped'}").`);
    }
    return jsonLimit(c, next);
  };
}

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/**
 * Every response (UI, API, errors) carries the security headers; a refused body also closes the
 * connection. A route that sets its own policy (the sandboxed arena report, framed by the UI) keeps it.
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    let headers = c.res.headers;
    const apply = () => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!headers.has(name)) headers.set(name, value);
    };
    try {
      apply();
    } catch {
      // Some responses carry immutable headers; a copy takes them.
      c.res = new Response(c.res.body, c.res);
      headers = c.res.headers;
      apply();
    }
    if ((c.res.status === 413 || c.res.status === 415) && notWorthDraining(c.req.raw.headers)) headers.set('Connection', 'close');
  };
}
