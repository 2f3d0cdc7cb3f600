/**
 * A small YAML emitter for the flat configs Axolotl and LLaMA-Factory read: maps, lists of
 * scalars or maps, and scalars. Strings are quoted whenever plain YAML could misread them.
 */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue | undefined };

export function emitYaml(value: { [key: string]: YamlValue | undefined }, comments: Record<string, string> = {}): string {
  return emitMap(value, 0, comments).join('\n') + '\n';
}

function emitMap(map: { [key: string]: YamlValue | undefined }, indent: number, comments: Record<string, string> = {}): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) continue;
    if (comments[key]) lines.push(`${pad}# ${comments[key]}`);
    lines.push(...emitEntry(`${pad}${emitKey(key)}:`, value, indent));
  }
  return lines;
}

function emitEntry(prefix: string, value: YamlValue, indent: number): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${prefix} []`];
    return [prefix, ...emitList(value, indent + 2)];
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return [`${prefix} {}`];
    return [prefix, ...emitMap(value, indent + 2)];
  }
  return [`${prefix} ${scalar(value)}`];
}

function emitList(items: YamlValue[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const item of items) {
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const inner = emitMap(item, indent + 2);
      if (inner.length === 0) lines.push(`${pad}- {}`);
      else lines.push(`${pad}- ${inner[0].trimStart()}`, ...inner.slice(1));
    } else if (Array.isArray(item)) {
      lines.push(`${pad}-`, ...emitList(item, indent + 2));
    } else {
      lines.push(`${pad}- ${scalar(item)}`);
    }
  }
  return lines;
}

/** Keys follow the scalar rules too: PyYAML reads a bare `yes:` key as the boolean true. */
function emitKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key) && !LOOKS_TYPED.test(key) ? key : JSON.stringify(key);
}

const PLAIN_UNSAFE = /^(?:$|[\s\-?:,[\]{}#&*!|>'"%@`~]|.*(?::\s|\s#|\s$|[\n\r\t]))/;
const LOOKS_TYPED = /^(?:true|false|yes|no|on|off|y|n|null|~|[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|[-+]?\.(?:inf|nan))$/i;

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return yamlNumber(value);
  return PLAIN_UNSAFE.test(value) || LOOKS_TYPED.test(value) ? JSON.stringify(value) : value;
}

/** PyYAML (YAML 1.1) reads `1e-05` as a string; `1.0e-05` is a float. */
function yamlNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  const text = String(value);
  const exp = /^(-?\d+)(e[-+]\d+)$/.exec(text);
  return exp ? `${exp[1]}.0${exp[2]}` : text;
}
