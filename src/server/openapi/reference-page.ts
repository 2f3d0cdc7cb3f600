import type { JsonSchema, OpenApiDocument, OpenApiOperation } from './document.js';

/**
 * The API reference as one server-rendered page: no script, no CDN, styles from /docs/api.css, so it
 * works offline and under the server's own Content-Security-Policy.
 */
export function renderReferencePage(doc: OpenApiDocument): string {
  const info = doc.info as { title: string; version: string; description?: string };
  const tags = (doc.tags as Array<{ name: string; description?: string }>) ?? [];
  const byTag = new Map<string, Array<{ method: string; path: string; op: OpenApiOperation }>>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = op.tags[0] ?? 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push({ method, path, op });
    }
  }
  const sections = tags
    .filter((tag) => byTag.has(tag.name))
    .map((tag) => `<section aria-labelledby="tag-${esc(tag.name)}"><h2 id="tag-${esc(tag.name)}">${esc(tag.name)}</h2>${tag.description ? `<p>${prose(tag.description)}</p>` : ''}${byTag
      .get(tag.name)!
      .map(({ method, path, op }) => renderOperation(method, path, op))
      .join('')}</section>`)
    .join('');
  const toc = tags.filter((tag) => byTag.has(tag.name)).map((tag) => `<li><a href="#tag-${esc(tag.name)}">${esc(tag.name)}</a></li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark">
<title>${esc(info.title)} API reference</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/docs/api.css"></head>
<body><header><h1>${esc(info.title)} API reference <span class="version">v${esc(info.version)}</span></h1>
<p>${prose(info.description ?? '')}</p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${esc(doc.openapi)}). <a href="/">Back to the app</a>.</p>
<nav aria-label="Sections"><ul>${toc}</ul></nav></header><main>${sections}</main></body></html>`;
}

function renderOperation(method: string, path: string, op: OpenApiOperation): string {
  const id = esc(op.operationId);
  const params = (op.parameters ?? []).map((p) => `<li><code>${esc(p.name)}</code> <span class="muted">(${p.in}${p.required ? ', required' : ''})</span> ${schemaSummary(p.schema)}${p.description ? ` — ${prose(p.description)}` : ''}</li>`).join('');
  const body = op.requestBody ? Object.entries(op.requestBody.content).map(([type, { schema }]) => `<h4>Request body <span class="muted">${esc(type)}</span></h4>${renderSchema(schema)}`).join('') : '';
  const responses = Object.entries(op.responses)
    .map(([status, response]) => {
      if ('$ref' in response) return `<li><code>${esc(status)}</code> ${esc(response.$ref.split('/').pop() ?? '')}</li>`;
      const content = Object.entries(response.content ?? {});
      return `<li><code>${esc(status)}</code> ${esc(response.description)}${content.map(([type, { schema }]) => ` <span class="muted">${esc(type)}</span>${type === 'application/json' ? renderSchema(schema) : ''}`).join('')}</li>`;
    })
    .join('');
  return `<article class="op" id="${id}" aria-labelledby="${id}-title"><h3 id="${id}-title"><span class="method method-${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p>${prose(op.summary)}</p><p class="muted">Needs: ${op['x-tailor-role'] === 'public' ? 'no key' : `a ${esc(op['x-tailor-role'])} key`}</p>
${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ''}${body}<h4>Responses</h4><ul>${responses}</ul></article>`;
}

function schemaSummary(schema: JsonSchema | boolean): string {
  // JSON Schema allows `true` (anything) and `false` (nothing) wherever a schema goes.
  if (typeof schema === 'boolean') return `<code>${schema ? 'any' : 'never'}</code>`;
  if (Array.isArray(schema.enum)) return `<code>${esc(schema.enum.map((v) => JSON.stringify(v)).join(' | '))}</code>`;
  if ('const' in schema) return `<code>${esc(JSON.stringify(schema.const))}</code>`;
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as JsonSchema[]).map(schemaSummary).join(' or ');
  if (schema.type === 'array') return `array of ${schemaSummary((schema.items as JsonSchema) ?? {})}`;
  if (schema.$ref) return `<code>${esc(String(schema.$ref).split('/').pop() ?? '')}</code>`;
  return `<code>${esc(String(schema.type ?? 'any'))}</code>`;
}

/** Objects as nested field lists, down to a few levels (the JSON document has everything). */
function renderSchema(schema: JsonSchema, depth = 0): string {
  const object = schema.type === 'array' ? ((schema.items as JsonSchema) ?? {}) : schema;
  const props = object.properties as Record<string, JsonSchema | boolean> | undefined;
  if (!props || depth > 3) return ` ${schemaSummary(schema)}`;
  const required = new Set((object.required as string[]) ?? []);
  const items = Object.entries(props)
    .map(([name, prop]) => `<li><code>${esc(name)}</code>${required.has(name) ? '' : '<span class="muted">?</span>'}: ${schemaSummary(prop)}${typeof prop !== 'boolean' && prop.description ? ` — ${prose(String(prop.description))}` : ''}${renderNested(prop, depth)}</li>`)
    .join('');
  return `${schema.type === 'array' ? ' array of' : ''}<ul class="fields">${items}</ul>`;
}

function renderNested(prop: JsonSchema | boolean, depth: number): string {
  if (typeof prop === 'boolean') return '';
  const inner = prop.type === 'array' ? ((prop.items as JsonSchema) ?? {}) : prop;
  return inner.properties ? renderSchema(inner, depth + 1).replace(/^ array of/, '') : '';
}

/** Escaped text whose `backticked` words show as code. */
function prose(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const REFERENCE_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #fff; --line: #d0d7de; --code: #f6f8fa; --link: #0550ae; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117; --line: #30363d; --code: #161b22; --link: #79c0ff; } }
body { font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem 4rem; }
a { color: var(--link); }
code { font: 13px ui-monospace, monospace; background: var(--code); padding: 0 .25em; border-radius: 3px; }
.muted, .version { color: var(--muted); font-weight: normal; }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; padding: 0; }
section { border-top: 1px solid var(--line); margin-top: 2rem; }
.op { border: 1px solid var(--line); border-radius: 6px; padding: .25rem 1rem; margin: 1rem 0; }
.op h3 { font-size: 1rem; }
.method { display: inline-block; min-width: 4.2em; text-align: center; border-radius: 4px; padding: 0 .3em; font: bold 12px ui-monospace, monospace; color: #fff; background: #57606a; }
.method-get { background: #0a6e31; } .method-post { background: #0550ae; } .method-delete { background: #a40e26; } .method-put, .method-patch { background: #7d4e00; }
ul.fields { margin: .25rem 0; padding-left: 1.25rem; }
h4 { margin: .75rem 0 .25rem; font-size: .9rem; }
`;
