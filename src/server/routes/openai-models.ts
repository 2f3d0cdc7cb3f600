import { Hono } from 'hono';
import { TailorError } from '../../core/errors.js';
import { principalOf, type AppEnv, type ServerDeps } from '../context.js';
import type { Principal } from '../keys.js';
import { grants, seesAll } from '../auth.js';
import { readJson } from '../limits.js';
import { embeddingsSchema } from '../schemas.js';
import { ADAPTER_PREFIX, splitAdapterModel, visibleAdapters } from '../finetune/adapter-models.js';

export const RAG_PREFIX = 'rag:';
/** The plain model id when no chat model is configured: extractive answers over every collection the key can read. */
export const EXTRACTIVE_MODEL = 'extractive';

export function ragCollection(model: string): string | undefined {
  return model.startsWith(RAG_PREFIX) ? model.slice(RAG_PREFIX.length) : undefined;
}

/** The collections a key can see, as names: its explicit grants, or everything for "*". */
export async function visibleCollections(deps: Pick<ServerDeps, 'catalog'>, principal: Principal): Promise<string[]> {
  const known = (await deps.catalog.list()).map((c) => c.name);
  if (seesAll(principal)) return known;
  return [...new Set(principal.collections)].sort();
}

/** 404 for a collection the key cannot read, so a model list probe reveals nothing. */
export async function resolveRagModel(deps: Pick<ServerDeps, 'catalog'>, principal: Principal, model: string): Promise<string> {
  const name = ragCollection(model) ?? '';
  // An explicit grant is enough (an empty granted collection just refuses); "*" keys need it to exist.
  const visible = grants(principal, name) && (!seesAll(principal) || (await visibleCollections(deps, principal)).includes(name));
  if (!visible) throw new TailorError('NOT_FOUND', `The model "${model}" does not exist or your key has no access to it; GET /v1/models lists yours.`);
  return name;
}

/** GET /v1/models and POST /v1/embeddings. */
export function modelRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const created = Math.floor(Date.now() / 1000);
  const entry = (id: string) => ({ id, object: 'model', created, owned_by: 'tailor' });

  app.get('/models', async (c) => {
    const principal = principalOf(c);
    const names = await visibleCollections(deps, principal);
    const plain = deps.chatModel?.modelId ?? EXTRACTIVE_MODEL;
    // Each adapter the key may see, alone and over each collection it came from.
    const adapters = (await visibleAdapters(deps.owner, principal)).filter((a) => !a.containsErasedData);
    const adapterIds = adapters.flatMap((a) => [ADAPTER_PREFIX + a.name, ...(a.collections ?? []).filter((n) => n !== '*' && names.includes(n)).map((n) => `${RAG_PREFIX}${n}+${ADAPTER_PREFIX}${a.name}`)]);
    return c.json({ object: 'list', data: [...names.map((n) => entry(RAG_PREFIX + n)), entry(plain), ...adapterIds.map(entry)] });
  });

  app.get('/models/:id', async (c) => {
    const id = c.req.param('id');
    const named = splitAdapterModel(id);
    if (named.adapter !== undefined) {
      const visible = (await visibleAdapters(deps.owner, principalOf(c))).some((a) => a.name === named.adapter && !a.containsErasedData);
      if (!visible) throw new TailorError('NOT_FOUND', `No model "${id}" (or your key has no access to it).`);
      if (named.model) await resolveRagModel(deps, principalOf(c), named.model);
    } else if (ragCollection(id) !== undefined) await resolveRagModel(deps, principalOf(c), id);
    else if (id !== (deps.chatModel?.modelId ?? EXTRACTIVE_MODEL)) throw new TailorError('NOT_FOUND', `No model "${id}".`);
    return c.json(entry(id));
  });

  app.post('/embeddings', async (c) => {
    const body = await readJson(c, embeddingsSchema);
    const embedder = deps.embedder;
    if (!embedder) throw new TailorError('INVALID_ARGUMENT', 'This server has no embedder configured, so /v1/embeddings is unavailable.');
    const values = typeof body.input === 'string' ? [body.input] : body.input;
    const { result, usage } = await embedder.doEmbed({ values, kind: 'document', abortSignal: c.req.raw.signal });
    const data = result.embeddings.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: body.encoding_format === 'base64' ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') : Array.from(vector),
    }));
    const tokens = usage.inputTokens ?? values.reduce((n, v) => n + v.split(/\s+/).filter(Boolean).length, 0);
    return c.json({ object: 'list', data, model: body.model ?? embedder.modelId, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  });

  return app;
}
