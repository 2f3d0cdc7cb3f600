import type { LoadBudget } from './budget.js';

/**
 * A linear XML event reader for the parts of container formats (OOXML, ODF, OPF). It keeps
 * no tree, so a large part costs its text and no more, and it counts nesting as it goes so
 * a deeply nested part is refused at the cap instead of exhausting a recursive parser.
 */

export type XmlEvent =
  | { type: 'open'; name: string; attrs: Record<string, string>; selfClosing: boolean }
  | { type: 'close'; name: string }
  | { type: 'text'; text: string };

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[body] ?? whole;
  });
}

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function parseAttributes(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const match of source.matchAll(ATTRIBUTE)) attrs[match[1]] = decodeEntities(match[2] ?? match[3] ?? '');
  return attrs;
}

/** The name without its namespace prefix: `a:t` → `t`. */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

export function* xmlEvents(xml: string, budget: LoadBudget): Generator<XmlEvent> {
  let depth = 0;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt === -1) {
      const tail = xml.slice(i);
      if (tail.trim()) yield { type: 'text', text: decodeEntities(tail) };
      return;
    }
    if (lt > i) yield { type: 'text', text: decodeEntities(xml.slice(i, lt)) };
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      i = end === -1 ? xml.length : end + 3;
      continue;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      yield { type: 'text', text: xml.slice(lt + 9, end === -1 ? xml.length : end) };
      i = end === -1 ? xml.length : end + 3;
      continue;
    }
    const gt = xml.indexOf('>', lt + 1);
    if (gt === -1) return;
    const body = xml.slice(lt + 1, gt);
    i = gt + 1;
    if (body[0] === '?' || body[0] === '!') continue;
    if (body[0] === '/') {
      depth = Math.max(0, depth - 1);
      yield { type: 'close', name: body.slice(1).trim() };
      continue;
    }
    const selfClosing = body.endsWith('/');
    const nameEnd = body.search(/[\s/]/);
    const name = nameEnd === -1 ? body : body.slice(0, nameEnd);
    const attrs = nameEnd === -1 ? {} : parseAttributes(body.slice(nameEnd));
    if (!selfClosing) {
      depth += 1;
      budget.checkDepth(depth, 'elements');
    }
    yield { type: 'open', name, attrs, selfClosing };
    if (selfClosing) yield { type: 'close', name };
  }
}

/** The concatenated text of every element with local name `name` (e.g. Dublin Core `title`). */
export function firstElementText(xml: string | undefined, name: string, budget: LoadBudget): string | undefined {
  if (!xml) return undefined;
  let inside = 0;
  let text = '';
  for (const event of xmlEvents(xml, budget)) {
    if (event.type === 'open' && localName(event.name) === name) inside += 1;
    else if (event.type === 'close' && localName(event.name) === name) {
      inside -= 1;
      if (inside === 0 && text.trim()) return text.replace(/\s+/g, ' ').trim();
    } else if (event.type === 'text' && inside > 0) text += event.text;
  }
  return undefined;
}

/** `Relationship` targets of an OOXML .rels part by id, resolved against `baseDir`. */
export function relationships(xml: string | undefined, baseDir: string, budget: LoadBudget): Map<string, { target: string; type: string }> {
  const map = new Map<string, { target: string; type: string }>();
  if (!xml) return map;
  for (const event of xmlEvents(xml, budget)) {
    if (event.type !== 'open' || localName(event.name) !== 'Relationship') continue;
    const { Id, Target, Type, TargetMode } = event.attrs;
    if (!Id || !Target || TargetMode === 'External') continue;
    map.set(Id, { target: resolvePartPath(baseDir, Target), type: Type ?? '' });
  }
  return map;
}

/** A part name inside the archive: relative targets resolved, never climbing above the root. */
export function resolvePartPath(baseDir: string, target: string): string {
  const raw = target.startsWith('/') ? target.slice(1) : (baseDir ? `${baseDir}/` : '') + target;
  const parts: string[] = [];
  for (const part of safeDecode(raw.split('#')[0]).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function dirnameOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return slash === -1 ? '' : part.slice(0, slash);
}
