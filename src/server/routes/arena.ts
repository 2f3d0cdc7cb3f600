import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { TailorError } from '../../core/errors.js';
import { arenaRunDir, listArenaRuns, loadArenaRun } from '../../eval/arena/run-store.js';
import { advise } from '../../advise/advise.js';
import { CRITERIA_FIELDS, parseCriterion, type AdviceCriteria } from '../../advise/criteria.js';
import { ADVICE_PRESETS, findPreset } from '../../advise/presets.js';
import { grants, seesAll } from '../auth.js';
import type { Principal } from '../keys.js';
import { principalOf, type AppEnv, type ServerDeps } from '../context.js';

/**
 * The report is self-contained and holds model output, so it runs in an opaque origin (sandbox) that
 * may load nothing and send nothing: inline styles, data: images and inline scripts only.
 */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; script-src 'unsafe-inline'; connect-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox allow-scripts";

/** A run is visible only when every collection it read is granted; a run over no collection, only to `*` keys. */
function mayRead(principal: Principal, collections: readonly string[] | undefined): boolean {
  const list = collections ?? [];
  if (list.length === 0) return seesAll(principal);
  return list.every((name) => grants(principal, name));
}

const missing = (id: string) => new TailorError('NOT_FOUND', `No arena run "${id}": list runs with GET /api/arena/runs.`, { details: { id } });

/** GET /api/arena/runs, /runs/:id (run.json), /runs/:id/report (the HTML report) and /runs/:id/advice. */
export function arenaRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  async function visibleRun(principal: Principal, id: string) {
    let run;
    try {
      run = await loadArenaRun(deps.home, id);
    } catch (error) {
      if (error instanceof TailorError && (error.code === 'NOT_FOUND' || error.code === 'INVALID_ARGUMENT')) throw missing(id);
      throw error;
    }
    // Not allowed reads exactly like absent, so run ids cannot be probed.
    if (!mayRead(principal, run.collections)) throw missing(id);
    return run;
  }

  app.get('/runs', async (c) => {
    const principal = principalOf(c);
    const runs = (await listArenaRuns(deps.home)).filter((run) => mayRead(principal, run.collections));
    return c.json({ runs });
  });
  app.get('/runs/:id', async (c) => c.json(await visibleRun(principalOf(c), c.req.param('id'))));
  app.get('/presets', (c) => c.json({ presets: ADVICE_PRESETS }));
  // The advisor on this run's measurements: ?preset=NAME and/or criteria fields as query parameters.
  app.get('/runs/:id/advice', async (c) => {
    const run = await visibleRun(principalOf(c), c.req.param('id'));
    const preset = c.req.query('preset');
    const criteria: Partial<AdviceCriteria> = preset ? { ...findPreset(preset).criteria } : {};
    for (const field of CRITERIA_FIELDS) {
      const value = c.req.query(field);
      if (value !== undefined) (criteria as Record<string, unknown>)[field] = parseCriterion(field, value, `query parameter ${field}`);
    }
    return c.json(advise({ criteria, arena: run }));
  });
  app.get('/runs/:id/report', async (c) => {
    const id = c.req.param('id');
    await visibleRun(principalOf(c), id);
    let html: string;
    try {
      html = await readFile(join(arenaRunDir(deps.home, id), 'report.html'), 'utf8');
    } catch (cause) {
      throw new TailorError('NOT_FOUND', `Arena run "${id}" has no HTML report (a run still in progress writes it at the end).`, { cause, details: { id } });
    }
    return c.body(html, 200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': REPORT_CSP,
      // The Evaluate page frames the report; no other site may.
      'X-Frame-Options': 'SAMEORIGIN',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
  });
  return app;
}
