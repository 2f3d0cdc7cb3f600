/**
 * The OpenAPI document against the server it describes: (a) it validates against the official OpenAPI 3.1
 * schema and the structural rules that schema cannot express, (b) it lists
 * exactly the routes Hono serves — a route without a RouteDoc fails here — and (c) real responses of a
 * real server, successes and errors, validate against the response schemas the document states.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, readSse, type Fixture } from './server-fixture.js';
import { checkJsonSchema } from './helpers/json-schema-check.js';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { OpenApiDocument } from '../src/server/openapi/document.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const JSON_SCHEMA_TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'string', 'integer']);

function resolve(doc: Json, ref: string): Json | undefined {
  return ref.startsWith('#/') ? ref.slice(2).split('/').reduce<Json | undefined>((node, part) => node?.[part], doc) : undefined;
}

/** Every structural rule of OpenAPI 3.1 this document relies on; returns what breaks them. */
function openApiProblems(doc: Json): string[] {
  const problems: string[] = [];
  const need = (ok: unknown, message: string) => void (!ok && problems.push(message));
  need(/^3\.1\.\d+$/.test(doc.openapi), `openapi must be 3.1.x, is ${doc.openapi}`);
  need(typeof doc.info?.title === 'string' && typeof doc.info?.version === 'string', 'info.title and info.version are strings');
  need(doc.info?.license === undefined || typeof doc.info.license.name === 'string', 'info.license.name is a string');
  need(typeof doc.paths === 'object' && doc.paths !== null, 'paths is an object');
  const tagNames = new Set((doc.tags ?? []).map((t: Json) => t.name));
  need(tagNames.size === (doc.tags ?? []).length, 'tag names are unique');
  const schemes = doc.components?.securitySchemes ?? {};
  for (const [name, scheme] of Object.entries<Json>(schemes)) {
    need(['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'].includes(scheme.type), `securityScheme ${name} has a valid type`);
    if (scheme.type === 'http') need(typeof scheme.scheme === 'string', `securityScheme ${name} names its http scheme`);
  }
  const checkSecurity = (security: unknown, where: string) => {
    need(Array.isArray(security), `${where}: security is an array`);
    for (const requirement of (security as Json[]) ?? []) for (const name of Object.keys(requirement)) need(name in schemes, `${where}: security names unknown scheme ${name}`);
  };
  if (doc.security) checkSecurity(doc.security, 'root');
  const operationIds = new Set<string>();
  const templates = new Set<string>();
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    need(path.startsWith('/'), `path ${path} starts with /`);
    const template = path.replace(/\{[^}]+\}/g, '{}');
    need(!templates.has(template), `path ${path} is not equivalent to another templated path`);
    templates.add(template);
    const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const [method, op] of Object.entries<Json>(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      need(METHODS.includes(method), `${where}: ${method} is an HTTP method`);
      need(typeof op.operationId === 'string' && !operationIds.has(op.operationId), `${where}: operationId is unique`);
      operationIds.add(op.operationId);
      for (const tag of op.tags ?? []) need(tagNames.has(tag), `${where}: tag ${tag} is declared`);
      if (op.security) checkSecurity(op.security, where);
      const params: Json[] = op.parameters ?? [];
      const seen = new Set<string>();
      for (const p of params) {
        need(['query', 'header', 'path', 'cookie'].includes(p.in) && typeof p.name === 'string', `${where}: parameter has name and a valid in`);
        need(!seen.has(`${p.in}:${p.name}`), `${where}: parameter ${p.name} is not repeated`);
        seen.add(`${p.in}:${p.name}`);
        need(p.schema !== undefined, `${where}: parameter ${p.name} has a schema`);
        if (p.in === 'path') need(p.required === true && pathParams.includes(p.name), `${where}: path parameter ${p.name} is required and in the template`);
      }
      for (const name of pathParams) need(params.some((p) => p.in === 'path' && p.name === name), `${where}: template parameter {${name}} is declared`);
      if (op.requestBody) need(typeof op.requestBody.content === 'object' && Object.keys(op.requestBody.content).length > 0, `${where}: requestBody has content`);
      need(op.responses && Object.keys(op.responses).length > 0, `${where}: has responses`);
      for (const [status, response] of Object.entries<Json>(op.responses ?? {})) {
        need(/^([1-5]\d\d|[1-5]XX|default)$/.test(status), `${where}: response key ${status} is a status`);
        const resolved = response.$ref ? resolve(doc, response.$ref) : response;
        need(resolved !== undefined, `${where}: response ${status} $ref resolves`);
        need(typeof resolved?.description === 'string', `${where}: response ${status} has a description`);
        for (const media of Object.values<Json>(resolved?.content ?? {})) problems.push(...schemaProblems(doc, media.schema, `${where} ${status}`));
      }
      for (const media of Object.values<Json>(op.requestBody?.content ?? {})) problems.push(...schemaProblems(doc, media.schema, `${where} body`));
    }
  }
  return problems;
}

/** A JSON Schema's own shape: types are JSON Schema types, `required` names properties, $refs resolve. */
function schemaProblems(doc: Json, schema: unknown, where: string): string[] {
  if (typeof schema === 'boolean') return [];
  if (typeof schema !== 'object' || schema === null) return [`${where}: schema is an object`];
  const s = schema as Json;
  const problems: string[] = [];
  for (const type of [s.type].flat().filter((t) => t !== undefined)) if (!JSON_SCHEMA_TYPES.has(type)) problems.push(`${where}: unknown type ${type}`);
  if (s.$ref && !resolve(doc, s.$ref)) problems.push(`${where}: $ref ${s.$ref} does not resolve`);
  if (Array.isArray(s.required)) for (const name of s.required) if (!(name in (s.properties ?? {}))) problems.push(`${where}: required ${name} is not a property`);
  for (const child of Object.values<unknown>(s.properties ?? {})) problems.push(...schemaProblems(doc, child, where));
  for (const key of ['items', 'additionalProperties', 'not']) if (s[key] !== undefined && typeof s[key] === 'object') problems.push(...schemaProblems(doc, s[key], where));
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems']) for (const child of s[key] ?? []) problems.push(...schemaProblems(doc, child, where));
  return problems;
}

/** The documented operation for a concrete request path. */
function findOperation(doc: OpenApiDocument, method: string, path: string): { template: string; op: Json } | undefined {
  for (const [template, item] of Object.entries(doc.paths)) {
    const pattern = new RegExp('^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}|\{[^}]+\}/g, '[^/]+') + '$');
    if (pattern.test(path) && (item as Json)[method]) return { template, op: (item as Json)[method] };
  }
  return undefined;
}

test('the OpenAPI document is OpenAPI 3.1, lists exactly the served routes, and real responses match it', { timeout: 120_000 }, async () => {
  const f: Fixture = await startServer({
    collections: {
      handbook: [
        { source: 'handbook/vacation.md', title: 'Vacation', text: '# Vacation\n\nNew employees get 28 days of paid vacation per calendar year.\n' },
        { source: 'handbook/security.md', title: 'Security', text: '# Security\n\nPasswords must be at least 14 characters long.\n' },
      ],
      sales: [{ source: 'sales/targets.md', title: 'Targets', text: '# Targets\n\nThe quarterly sales target is 2 million euros.\n' }],
    },
  });
  const admin = f.keys.create({ name: 'admin', role: 'admin', collections: ['*'] }).key;
  const reader = f.keys.create({ name: 'reader', role: 'reader', collections: ['handbook'] }).key;

  const served = await f.call('/openapi.json');
  assert.equal(served.status, 200, 'the document is public');
  assert.match(served.headers.get('content-type') ?? '', /application\/json/);
  const doc = (await served.json()) as OpenApiDocument;

  // (a) Structure: the official OpenAPI 3.1 JSON Schema (through an independent validator), then the rules
  // that schema cannot express (unique operationIds, declared path parameters, resolvable $refs).
  const official = new Validator();
  const verdict = await official.validate(structuredClone(doc) as never);
  assert.deepEqual(verdict.errors ?? [], [], 'valid against the OpenAPI 3.1 schema');
  assert.equal(verdict.valid, true);
  assert.equal(official.version, '3.1');
  assert.equal((await new Validator().validate({ ...structuredClone(doc), info: { title: 'no version' } } as never)).valid, false, 'the validator does reject a broken document');
  assert.deepEqual(openApiProblems(doc), []);
  // The checks above catch breakage: a document with a dangling $ref and an undeclared path parameter fails them.
  const broken = structuredClone(doc) as Json;
  broken.paths['/api/documents/{id}'].get.parameters = [];
  broken.paths['/api/me'].get.responses['401'] = { $ref: '#/components/responses/Nowhere' };
  const brokenProblems = openApiProblems(broken).join('\n');
  assert.match(brokenProblems, /GET \/api\/documents\/\{id\}: template parameter \{id\} is declared/);
  assert.match(brokenProblems, /GET \/api\/me: response 401 \$ref resolves/);

  // (b) The document and the router agree, both ways. Middleware and catch-alls are method ALL; the UI's fallback is `*`.
  const routes = new Set(
    f.server.app.routes
      .filter((r) => r.method !== 'ALL' && r.path !== '*' && !r.path.endsWith('/*'))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`),
  );
  const documented = new Set(Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`)));
  assert.deepEqual([...routes].filter((r) => !documented.has(r)), [], 'served routes missing from the document');
  assert.deepEqual([...documented].filter((r) => !routes.has(r)), [], 'documented routes the server does not serve');
  assert.ok(routes.size >= 34, `${routes.size} routes`);

  // (c) Real requests; each JSON response must validate against its documented schema (status-specific).
  const checked: string[] = [];
  async function call(method: string, path: string, init: { key?: string; json?: unknown; body?: FormData } = {}): Promise<Json> {
    const response = await f.call(path, { method: method.toUpperCase(), key: init.key, json: init.json, body: init.body });
    const found = findOperation(doc, method, path.split('?')[0]);
    assert.ok(found, `${method.toUpperCase()} ${path} is documented`);
    const entry = found.op.responses[String(response.status)];
    assert.ok(entry, `${method.toUpperCase()} ${path} answered ${response.status}, which its operation does not document`);
    const resolved = entry.$ref ? resolve(doc as Json, entry.$ref)! : entry;
    const type = (response.headers.get('content-type') ?? '').split(';')[0];
    const media = resolved.content?.[type];
    assert.ok(media, `${method.toUpperCase()} ${path} ${response.status}: content type ${type} is documented (${Object.keys(resolved.content ?? {})})`);
    const text = await response.text();
    if (type !== 'application/json') return { text };
    const body = JSON.parse(text);
    const problems = checkJsonSchema(body, media.schema, doc as Json);
    assert.deepEqual(problems, [], `${method.toUpperCase()} ${path} ${response.status} matches its schema`);
    checked.push(`${method} ${found.template} ${response.status}`);
    return body;
  }

  await call('get', '/health');
  await call('get', '/api/me', { key: reader });
  await call('get', '/api/settings', { key: admin });
  await call('get', '/api/settings', { key: reader });
  await call('get', '/api/collections', { key: admin });
  await call('post', '/api/collections', { key: admin, json: { name: 'notes' } });
  const search = await call('post', '/api/search', { key: reader, json: { query: 'paid vacation days', k: 3 } });
  assert.ok(search.results.length > 0);
  const answer = await call('post', '/api/ask', { key: reader, json: { question: 'How many days of paid vacation do new employees get?' } });
  assert.match(answer.text, /28 days/);
  const streamed = await call('post', '/api/ask', { key: reader, json: { question: 'How long must passwords be?', stream: true } });
  assert.match(streamed.text, /event: answer/);
  const traces = await call('get', '/api/traces?limit=5', { key: reader });
  assert.equal(traces[1].id, answer.traceId);
  await call('get', `/api/traces/${answer.traceId}`, { key: reader });
  const docs = await call('get', '/api/collections/handbook/documents', { key: reader });
  await call('get', `/api/documents/${docs[0].id}`, { key: reader });
  await call('get', '/v1/models', { key: reader });
  await call('get', '/v1/models/rag:handbook', { key: reader });
  const chat = await call('post', '/v1/chat/completions', { key: reader, json: { model: 'rag:handbook', messages: [{ role: 'user', content: 'How long must passwords be?' }] } });
  assert.match(chat.choices[0].message.content, /14 characters/);
  const keys = await call('get', '/api/keys', { key: admin });
  assert.ok(keys.length >= 2);
  const created = await call('post', '/api/keys', { key: admin, json: { name: 'temp', role: 'reader', collections: ['sales'] } });
  await call('delete', `/api/keys/${created.id}`, { key: admin });
  await call('get', '/api/arena/runs', { key: admin });
  await call('get', '/api/arena/presets', { key: admin });
  const form = new FormData();
  form.append('files', new Blob(['# Parking\n\nThe car park opens at 6 am.\n'], { type: 'text/markdown' }), 'parking.md');
  const job = await call('post', '/api/collections/notes/documents', { key: admin, body: form });
  await readSse(await f.call(`/api/jobs/${job.jobId}/events`, { key: admin }));
  await call('get', `/api/jobs/${job.jobId}`, { key: admin });
  await call('post', '/api/collections/notes/sync', { key: admin, json: {} });
  const notes = await call('get', '/api/collections/notes/documents', { key: admin });
  await call('delete', `/api/documents/${notes[0].id}`, { key: admin });
  await call('delete', '/api/collections/notes', { key: admin });
  // Errors follow the documented error body.
  await call('get', '/api/documents/no-such-document', { key: reader });
  await call('get', '/api/settings');
  await call('get', '/api/keys', { key: reader });
  await call('post', '/api/search', { key: reader, json: { query: '' } });
  await call('post', '/v1/embeddings', { key: reader, json: { input: 'x' } });
  await call('get', '/docs/api');

  assert.ok(checked.length >= 30, checked.join('\n'));
  // The schemas are closed: an undocumented field or a wrong type is caught.
  const healthSchema = (doc.paths['/health'] as Json).get.responses['200'].content['application/json'].schema;
  assert.deepEqual(checkJsonSchema({ ok: true, version: '1' }, healthSchema, doc as Json), []);
  assert.equal(checkJsonSchema({ ok: 'yes', version: '1', extra: 1 }, healthSchema, doc as Json).length, 2);

  // The reference page is built from the same document: every documented path is on it.
  const page = await (await f.call('/docs/api')).text();
  for (const path of Object.keys(doc.paths)) assert.ok(page.includes(`<code>${path}</code>`), `${path} on the reference page`);
});
