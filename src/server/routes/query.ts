import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { principalOf, type AppEnv, type ServerDeps } from '../context.js';
import { readScope } from '../auth.js';
import { readJson } from '../limits.js';
import { askSchema, searchSchema } from '../schemas.js';
import { answerQuestion, createWriteChain } from '../answering.js';
import { errorBody } from '../errors.js';
import { resolveFollowUp } from '../../answer/follow-up.js';

/** POST /api/search and POST /api/ask (JSON or SSE). */
export function queryRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/search', async (c) => {
    const body = await readJson(c, searchSchema);
    const scope = readScope(principalOf(c), body.collections);
    const result = await deps.tailor.search(body.query, { k: body.k, filter: { ...body.filter, collections: scope } });
    return c.json(result);
  });

  app.post('/ask', async (c) => {
    const body = await readJson(c, askSchema);
    // A follow-up is resolved against the earlier turns, as /v1/chat/completions does.
    const question = body.history?.length ? resolveFollowUp([...body.history, { role: 'user', content: body.question }]).question || body.question : body.question;
    const request = {
      question,
      scope: readScope(principalOf(c), body.collections),
      keyId: principalOf(c).keyId,
      requested: body.collections,
      filter: body.filter,
      k: body.k,
      minSupport: body.minSupport,
      abortSignal: c.req.raw.signal,
    };
    if (!body.stream) {
      const { answer, traceId } = await answerQuestion(deps, request);
      return c.json({ ...answer, traceId });
    }
    return streamSSE(c, async (stream) => {
      const chain = createWriteChain((text) => stream.writeSSE({ event: 'delta', data: JSON.stringify({ text }) }));
      try {
        const { answer, traceId } = await answerQuestion(deps, { ...request, onText: (delta) => chain.push(delta) });
        await chain.flush();
        await stream.writeSSE({ event: 'answer', data: JSON.stringify({ ...answer, traceId }) });
      } catch (error) {
        await chain.flush();
        await stream.writeSSE({ event: 'error', data: JSON.stringify(errorBody(error).body) });
      }
    });
  });

  return app;
}
