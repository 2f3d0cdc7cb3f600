/**
 * A JSON Schema (2020-12) checker for the keywords zod's toJSONSchema writes: type, properties, required,
 * additionalProperties, items, prefixItems, enum, const, anyOf, oneOf, allOf, minimum/maximum,
 * minLength/maxLength, minItems/maxItems, pattern, $ref (local). An unknown keyword fails loudly, so a
 * schema this checker cannot judge is never passed silently. Returns the problems, empty when valid.
 */
type Schema = Record<string, unknown> | boolean;

const IGNORED = new Set(['description', 'title', 'default', 'examples', '$schema', '$defs', 'definitions', 'format', 'contentMediaType', 'id', '$id', 'readOnly', 'writeOnly', 'deprecated', 'exclusiveMinimum', 'exclusiveMaximum', 'propertyNames']);
const KNOWN = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'prefixItems', 'enum', 'const', 'anyOf', 'oneOf', 'allOf', 'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'pattern', '$ref', 'not']);

export function checkJsonSchema(value: unknown, schema: Schema, root: Record<string, unknown> = schema as Record<string, unknown>, path = '$'): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: no value is allowed here`];
  const problems: string[] = [];
  for (const keyword of Object.keys(schema)) {
    if (!KNOWN.has(keyword) && !IGNORED.has(keyword)) problems.push(`${path}: the checker does not know the keyword "${keyword}"`);
  }
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(root, schema.$ref);
    if (!target) return [`${path}: unresolved $ref ${schema.$ref}`];
    problems.push(...checkJsonSchema(value, target, root, path));
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => hasType(value, t))) return [...problems, `${path}: expected ${types.join(' or ')}, got ${describe(value)}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((v) => deepEqual(v, value))) problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && !deepEqual(schema.const, value)) problems.push(`${path}: expected ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}`);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${path}: ${value} < ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${path}: ${value} > ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) problems.push(`${path}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) problems.push(`${path}: longer than ${schema.maxLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) problems.push(`${path}: does not match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) problems.push(`${path}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) problems.push(`${path}: more than ${schema.maxItems} items`);
    const prefix = (schema.prefixItems as Schema[] | undefined) ?? [];
    value.forEach((item, i) => {
      const itemSchema = i < prefix.length ? prefix[i] : (schema.items as Schema | undefined);
      if (itemSchema !== undefined) problems.push(...checkJsonSchema(item, itemSchema, root, `${path}[${i}]`));
    });
  }
  if (isObject(value)) {
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const name of (schema.required as string[] | undefined) ?? []) if (!(name in value)) problems.push(`${path}: missing required "${name}"`);
    for (const [name, item] of Object.entries(value)) {
      if (name in properties) problems.push(...checkJsonSchema(item, properties[name], root, `${path}.${name}`));
      else if (schema.additionalProperties !== undefined) problems.push(...checkJsonSchema(item, schema.additionalProperties as Schema, root, `${path}.${name}`).map((p) => (schema.additionalProperties === false ? `${path}: undocumented property "${name}"` : p)));
    }
  }
  if (Array.isArray(schema.allOf)) for (const part of schema.allOf as Schema[]) problems.push(...checkJsonSchema(value, part, root, path));
  if (Array.isArray(schema.anyOf) && !(schema.anyOf as Schema[]).some((part) => checkJsonSchema(value, part, root, path).length === 0)) {
    problems.push(`${path}: matches none of anyOf (${(schema.anyOf as Schema[]).map((part) => checkJsonSchema(value, part, root, path)[0]).join(' | ')})`);
  }
  if (Array.isArray(schema.oneOf) && (schema.oneOf as Schema[]).filter((part) => checkJsonSchema(value, part, root, path).length === 0).length !== 1) problems.push(`${path}: does not match exactly one of oneOf`);
  if (schema.not !== undefined && checkJsonSchema(value, schema.not as Schema, root, path).length === 0) problems.push(`${path}: matches a "not" schema`);
  return problems;
}

function resolveRef(root: Record<string, unknown>, ref: string): Schema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    if (!isObject(node)) return undefined;
    node = node[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return isObject(node) || typeof node === 'boolean' ? (node as Schema) : undefined;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null': return value === null;
    case 'boolean': return typeof value === 'boolean';
    case 'string': return typeof value === 'string';
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'integer': return Number.isInteger(value);
    case 'array': return Array.isArray(value);
    case 'object': return isObject(value);
    default: return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
