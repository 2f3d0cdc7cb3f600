import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Prometheus counters kept in memory. Labels are only route templates, methods
 * and statuses: never collection names, keys or queries, which would leak tenants.
 */
export interface Metrics {
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  addIngestedDocuments(n: number): void;
  render(): string;
}

export function createMetrics(): Metrics {
  const requests = new Map<string, number>();
  const durations = new Map<string, { buckets: number[]; sum: number; count: number }>();
  let ingested = 0;
  return {
    observeRequest(route, method, status, seconds) {
      const key = `route="${escape(route)}",method="${method}",status="${status}"`;
      requests.set(key, (requests.get(key) ?? 0) + 1);
      const hKey = `route="${escape(route)}",method="${method}"`;
      const h = durations.get(hKey) ?? { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
      BUCKETS.forEach((le, i) => {
        if (seconds <= le) h.buckets[i]! += 1;
      });
      h.sum += seconds;
      h.count += 1;
      durations.set(hKey, h);
    },
    addIngestedDocuments(n) {
      ingested += n;
    },
    render() {
      const lines = ['# HELP http_requests_total HTTP requests by route template, method and status.', '# TYPE http_requests_total counter'];
      for (const [labels, n] of requests) lines.push(`http_requests_total{${labels}} ${n}`);
      lines.push('# HELP http_request_duration_seconds Time to the response headers, by route template.', '# TYPE http_request_duration_seconds histogram');
      for (const [labels, h] of durations) {
        BUCKETS.forEach((le, i) => lines.push(`http_request_duration_seconds_bucket{${labels},le="${le}"} ${h.buckets[i]}`));
        lines.push(`http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`);
        lines.push(`http_request_duration_seconds_sum{${labels}} ${h.sum}`);
        lines.push(`http_request_duration_seconds_count{${labels}} ${h.count}`);
      }
      lines.push('# HELP tailor_ingested_documents_total Documents indexed (new, changed or renamed) through this server.', '# TYPE tailor_ingested_documents_total counter');
      lines.push(`tailor_ingested_documents_total ${ingested}`);
      return lines.join('\n') + '\n';
    },
  };
}

/** Records every request under its route template (`/api/documents/:id`), never the raw path. */
export function measure(metrics: Metrics): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    let status = 500;
    try {
      await next();
      status = c.res.status;
    } catch (error) {
      status = (error as { httpStatus?: number }).httpStatus ?? 500;
      throw error;
    } finally {
      let route = 'unmatched';
      try {
        route = routePath(c);
      } catch {
        // no route matched
      }
      if (route.endsWith('*')) route = status === 404 ? 'unmatched' : route;
      metrics.observeRequest(route, c.req.method, status, (performance.now() - started) / 1000);
    }
  };
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
