import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { TailorError } from '../core/errors.js';
import { parseCriteria, type AdviceCriteria } from './criteria.js';
import { findPreset } from './presets.js';

/**
 * The flat `key: value` subset of YAML a criteria file needs (comments, quotes, null); anything
 * nested is refused with its line number rather than half-read.
 */
export function parseFlatYaml(text: string, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trimEnd();
    if (line.trim() === '' || line.trim() === '---') return;
    const match = /^([A-Za-z][A-Za-z0-9_-]*)\s*:\s*(.*)$/.exec(line);
    if (!match || /^\s/.test(line)) {
      throw new TailorError('INVALID_ARGUMENT', `${where}, line ${index + 1}: expected "field: value" (a flat list of criteria), got ${JSON.stringify(raw.trim())}.`, { details: { line: index + 1 } });
    }
    const [, key, rawValue] = match as unknown as [string, string, string];
    let value: unknown = rawValue.trim();
    if (/^(['"]).*\1$/.test(value as string)) value = (value as string).slice(1, -1);
    else if (value === '' || value === 'null' || value === '~') value = null;
    else if (value === 'true' || value === 'false') value = value === 'true';
    else if (/^-?\d+(\.\d+)?$/.test(value as string)) value = Number(value);
    out[key] = value;
  });
  return out;
}

/** A JSON or YAML file of criteria; an optional `preset` field supplies the rest. */
export async function loadCriteriaFile(path: string): Promise<Partial<AdviceCriteria>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new TailorError('UNREADABLE_PATH', `Cannot read the criteria file ${path}: check the path.`, { cause, details: { path } });
  }
  const where = `criteria file ${path}`;
  let data: unknown;
  const ext = extname(path).toLowerCase();
  if (ext === '.json' || (ext !== '.yaml' && ext !== '.yml' && text.trimStart().startsWith('{'))) {
    try {
      data = JSON.parse(text);
    } catch (cause) {
      throw new TailorError('INVALID_ARGUMENT', `${where} is not valid JSON (${(cause as Error).message}).`, { cause, details: { path } });
    }
  } else {
    data = parseFlatYaml(text, where);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TailorError('INVALID_ARGUMENT', `${where} must hold an object of criteria.`, { details: { path } });
  }
  const { preset, ...fields } = data as Record<string, unknown>;
  const base = typeof preset === 'string' ? findPreset(preset).criteria : {};
  if (preset !== undefined && typeof preset !== 'string') throw new TailorError('INVALID_ARGUMENT', `${where}: "preset" must be a preset's name.`, { details: { path, field: 'preset' } });
  return { ...base, ...parseCriteria(fields, where) };
}
