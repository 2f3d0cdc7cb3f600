import type { z } from 'zod';
import { TailorError } from '../../core/errors.js';
import type { AppContext } from '../context.js';
import { formatBytes } from '../limits.js';

/** Query parameters validated with a zod schema; problems become 400s naming the parameter. */
export function readQuery<S extends z.ZodType>(c: AppContext, schema: S): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`);
    throw new TailorError('INVALID_ARGUMENT', `Invalid query: ${issues.join('; ')}.`, { details: { issues } });
  }
  return parsed.data;
}

/** A multipart body's one file (field "file", or "files") as text, and its other fields validated with `schema`. */
export async function readUploadedText<S extends z.ZodType>(c: AppContext, schema: S, maxFileBytes: number): Promise<{ name: string; text: string; fields: z.infer<S> }> {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
    throw new TailorError('INVALID_ARGUMENT', 'Send the dataset as multipart/form-data: the file in the field "file", and "format" (chat, alpaca, sharegpt or csv).');
  }
  const body = await c.req.parseBody({ all: true });
  const field = body.file ?? body.files;
  const file = (Array.isArray(field) ? field : [field]).find((f): f is File => typeof f === 'object' && f !== null);
  if (!file) throw new TailorError('INVALID_ARGUMENT', 'No file in the upload: send it in the multipart field "file".');
  if (file.size > maxFileBytes) {
    throw new TailorError('PAYLOAD_TOO_LARGE', `"${file.name}" is ${formatBytes(file.size)}, over the per-file limit of ${formatBytes(maxFileBytes)}.`, { details: { file: file.name, limitBytes: maxFileBytes } });
  }
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') raw[key] = value;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(form)'}: ${i.message}`);
    throw new TailorError('INVALID_ARGUMENT', `Invalid upload fields: ${issues.join('; ')}.`, { details: { issues } });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
  } catch (cause) {
    throw new TailorError('INVALID_ENCODING', `"${file.name}" is not UTF-8 text; save it as UTF-8 and upload it again.`, { cause, details: { file: file.name } });
  }
  return { name: file.name, text, fields: parsed.data };
}
