import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { TailorError } from '../core/errors.js';
import type { AppContext, AppEnv } from './context.js';

export interface RateLimiter {
  /** Takes one token for `key`; returns 0 when allowed, else the seconds until one is available. */
  take(key: string): number;
}

/** A token bucket per key: `ratePerSecond` sustained, bursts up to `burst`. */
export function createRateLimiter(ratePerSecond: number, burst: number, now: () => number = () => performance.now()): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      if (ratePerSecond <= 0) return 0;
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: burst, at: t };
      bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * ratePerSecond);
      bucket.at = t;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond));
    },
  };
}

/** 429 with Retry-After once a key spends its bucket (running open, all callers share one). */
export function rateLimit(limiter: RateLimiter): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const wait = limiter.take(c.get('principal').keyId);
    if (wait > 0) {
      throw new TailorError('RATE_LIMITED', `Too many requests for this key; retry after ${wait} s.`, { details: { retryAfterSeconds: wait } });
    }
    return next();
  };
}

export function limitBody(maxBytes: number, what: string): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new TailorError('PAYLOAD_TOO_LARGE', `The ${what} is larger than the server's limit of ${formatBytes(maxBytes)}; send less, or start the server with a higher limit.`, {
        details: { limitBytes: maxBytes },
      });
    },
  });
}

/** Reads the JSON body and validates it with a zod schema; problems become 400s naming the field. */
export async function readJson<S extends z.ZodType>(c: AppContext, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch (cause) {
    if (cause instanceof TailorError) throw cause;
    throw new TailorError('INVALID_ARGUMENT', 'The request body is not valid JSON; send a JSON object with Content-Type: application/json.', { cause });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw new TailorError('INVALID_ARGUMENT', `Invalid request: ${issues.join('; ')}.`, { details: { issues } });
  }
  return parsed.data;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1048576) return `${(bytes / 1048576).toFixed(bytes % 1048576 === 0 ? 0 : 1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${bytes} bytes`;
}
