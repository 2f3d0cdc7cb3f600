import { z } from 'zod';
import type { RouteDoc } from './route-doc.js';
import { errorResponseSchema } from '../response-schemas.js';

/** The parts of OpenAPI 3.1 this module writes (kept loose: it is serialised, not read back). */
export type OpenApiDocument = Record<string, unknown> & { openapi: string; paths: Record<string, Record<string, OpenApiOperation>> };
export type JsonSchema = Record<string, unknown>;

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  tags: string[];
  security: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema; description?: string }>;
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> } | { $ref: string }>;
  'x-tailor-role': RouteDoc['auth'];
}

const TAG_DESCRIPTIONS: Record<string, string> = {
  system: 'Health, metrics, this document, the calling key and the home\'s settings.',
  query: 'Search and cited answers.',
  collections: 'Collections, uploads and sync.',
  documents: 'Stored documents: text, original file, erasure.',
  jobs: 'Background upload jobs and their progress.',
  traces: 'Past answers with their retrieval and prompt ("why this answer").',
  keys: 'API keys (admins).',
  arena: 'Arena runs and the advisor.',
  openai: 'The OpenAI-compatible API.',
};

/** Hono's `/api/documents/:id` as OpenAPI's `/api/documents/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

function operationId(doc: RouteDoc): string {
  const words = doc.path.split('/').filter(Boolean).map((part) => (part.startsWith(':') ? 'by-' + part.slice(1) : part));
  const camel = [doc.method, ...words].join('-').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''));
  return camel;
}

const ERROR_REF = (name: string) => ({ $ref: `#/components/responses/${name}` });

function operation(doc: RouteDoc): OpenApiOperation {
  const parameters: NonNullable<OpenApiOperation['parameters']> = [];
  for (const match of doc.path.matchAll(/:([A-Za-z0-9_]+)/g)) parameters.push({ name: match[1], in: 'path', required: true, schema: { type: 'string' } });
  if (doc.query) {
    const query = toSchema(doc.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      const { description, ...rest } = schema as JsonSchema & { description?: string };
      parameters.push({ name, in: 'query', required: (query.required ?? []).includes(name), schema: rest, ...(description ? { description } : {}) });
    }
  }
  const status = String(doc.status ?? 200);
  const success = doc.response
    ? { description: 'Success.', content: { 'application/json': { schema: toSchema(doc.response, 'output') } } }
    : doc.responseContentType
      ? { description: 'Success.', content: { [doc.responseContentType]: { schema: doc.responseContentType === 'application/json' ? { type: 'object' } : { type: 'string' } } } }
      : { description: 'Success.' };
  // A body with a `stream` flag (ask, chat completions) may answer as server-sent events instead.
  const streams = doc.body ? 'stream' in ((toSchema(doc.body, 'input').properties as Record<string, unknown> | undefined) ?? {}) : false;
  if (streams && 'content' in success && success.content) (success.content as Record<string, { schema: JsonSchema }>)['text/event-stream'] = { schema: { type: 'string', description: 'Server-sent events when the request sets `stream: true`.' } };
  const responses: OpenApiOperation['responses'] = { [status]: success };
  if (doc.body || doc.bodyContentType || doc.query) responses['400'] = ERROR_REF('InvalidRequest');
  if (doc.auth !== 'public') {
    responses['401'] = ERROR_REF('Unauthenticated');
    responses['403'] = ERROR_REF('Forbidden');
    responses['429'] = ERROR_REF('RateLimited');
  }
  if (doc.path.includes(':')) responses['404'] = ERROR_REF('NotFound');
  if (doc.body || doc.bodyContentType) {
    responses['413'] = ERROR_REF('PayloadTooLarge');
    responses['415'] = ERROR_REF('UnsupportedMediaType');
  }
  const op: OpenApiOperation = {
    operationId: operationId(doc),
    summary: doc.summary,
    tags: doc.tags,
    security: doc.auth === 'public' ? [] : [{ bearerKey: [] }],
    responses,
    'x-tailor-role': doc.auth,
  };
  if (parameters.length > 0) op.parameters = parameters;
  if (doc.body) op.requestBody = { required: !doc.body.safeParse(undefined).success, content: { 'application/json': { schema: toSchema(doc.body, 'input') } } };
  else if (doc.bodyContentType) {
    op.requestBody = {
      required: true,
      content: { [doc.bodyContentType]: { schema: { type: 'object', properties: { files: { type: 'array', items: { type: 'string', contentMediaType: 'application/octet-stream' } } }, required: ['files'] } } },
    };
  }
  return op;
}

/** Builds the OpenAPI 3.1 document from route descriptions; the same zod schemas validate the requests. */
export function buildOpenApiDocument(docs: readonly RouteDoc[], options: { version: string }): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const doc of docs) {
    const path = openApiPath(doc.path);
    const item = (paths[path] ??= {});
    if (item[doc.method]) throw new Error(`Two route docs for ${doc.method.toUpperCase()} ${doc.path}`);
    item[doc.method] = operation(doc);
  }
  const tags = [...new Set(docs.flatMap((d) => d.tags))].map((name) => ({ name, ...(TAG_DESCRIPTIONS[name] ? { description: TAG_DESCRIPTIONS[name] } : {}) }));
  const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tailor',
      version: options.version,
      summary: 'RAG with exact citations, fine-tuning, and measurements of which wins — over HTTP.',
      description: 'Keys are sent as `Authorization: Bearer tlr_…` (or `x-api-key`). A key sees only the collections it is granted; what it may not see answers 404 exactly like what does not exist. With no key configured the server runs open on loopback and every request acts as admin.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    tags,
    security: [{ bearerKey: [] }],
    paths,
    components: {
      securitySchemes: { bearerKey: { type: 'http', scheme: 'bearer', bearerFormat: 'tlr_…', description: 'A Tailor API key (`tailor keys create`).' } },
      schemas: { Error: toSchema(errorResponseSchema, 'output') },
      responses: {
        InvalidRequest: error('The request is invalid; `error.param` or the message names the field and how to fix it.'),
        Unauthenticated: error('No key, or a revoked or mistyped one.'),
        Forbidden: error('The key\'s role or grants do not allow this.'),
        NotFound: error('Missing — or outside the key\'s grants, which reads the same.'),
        RateLimited: error('Too many requests for this key; retry after the `Retry-After` seconds.'),
        PayloadTooLarge: error('The body or a file is larger than the server accepts; the message names the limit.'),
        UnsupportedMediaType: error('The body has the wrong Content-Type for this route.'),
      },
    },
  };
}
