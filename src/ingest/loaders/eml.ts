import PostalMime, { type Address, type Email } from 'postal-mime';
import { TailorError } from '../../core/errors.js';
import type { LoadedDocument } from '../../core/types.js';
import { checkNotBinary, checkNotEmpty, formatBytes } from './guards.js';
import { htmlBodyToMarkdown } from './html.js';
import { fileTitle, type LoaderInput } from './source.js';

function addressText(address: Address): string {
  if (address.group) return `${address.name}: ${address.group.map(addressText).join(', ')}`;
  return address.name && address.name !== address.address ? `${address.name} <${address.address}>` : address.address;
}

function addresses(list: Address | Address[] | undefined): string | undefined {
  if (!list) return undefined;
  const text = (Array.isArray(list) ? list : [list]).map(addressText).filter(Boolean).join(', ');
  return text || undefined;
}

function attachmentSize(content: Email['attachments'][number]['content']): number {
  return typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
}

/**
 * E-mail (.eml, RFC 822/MIME): From, To, Cc, Subject and Date as metadata and as the first lines
 * of the text, then the text/plain body (the text/html one as Markdown when there is no plain
 * part), then the attachments listed by name, type and size. Attachments are not read.
 */
export async function loadEml({ path, bytes, budget }: LoaderInput): Promise<LoadedDocument> {
  checkNotBinary(bytes, path);
  let email: Email;
  try {
    email = await PostalMime.parse(bytes, { attachmentEncoding: 'arraybuffer', maxNestingDepth: Math.min(budget.limits.maxDepth, 256) });
  } catch (error) {
    throw new TailorError('PARSE_FAILED', `${path} is not a readable e-mail (${(error as Error).message}). Export the message again as .eml (RFC 822).`, {
      cause: error,
      details: { path },
    });
  }
  budget.checkTime('parsing the message');
  const header = {
    from: addresses(email.from),
    to: addresses(email.to),
    cc: addresses(email.cc),
    subject: email.subject?.replace(/\s+/g, ' ').trim() || undefined,
    date: email.date || undefined,
  };
  const plain = email.text?.replace(/\r\n?/g, '\n').trim();
  const body = plain || (email.html ? htmlBodyToMarkdown(email.html, budget).trim() : '');
  const attachments = email.attachments
    .filter((attachment) => attachment.disposition !== 'inline' || attachment.filename)
    .map((attachment) => ({ filename: attachment.filename ?? '(unnamed)', mimeType: attachment.mimeType, sizeBytes: attachmentSize(attachment.content) }));
  if (!body && attachments.length === 0 && !header.subject) checkNotEmpty('', path, 'message text');

  const lines = [
    header.from && `From: ${header.from}`,
    header.to && `To: ${header.to}`,
    header.cc && `Cc: ${header.cc}`,
    header.subject && `Subject: ${header.subject}`,
    header.date && `Date: ${header.date}`,
  ].filter(Boolean);
  const blocks = [header.subject ? `# ${header.subject}` : '', lines.join('\n'), body];
  if (attachments.length > 0) {
    blocks.push(`Attachments: ${attachments.map((a) => `${a.filename} (${a.mimeType}, ${formatBytes(a.sizeBytes)})`).join('; ')}`);
  }
  return {
    text: blocks.filter(Boolean).join('\n\n'),
    format: 'eml',
    title: header.subject ?? fileTitle(path),
    metadata: {
      ...Object.fromEntries(Object.entries(header).filter(([, value]) => value !== undefined)),
      ...(email.messageId ? { messageId: email.messageId } : {}),
      bodyFrom: plain ? 'text/plain' : email.html ? 'text/html' : 'none',
      attachments,
    },
  };
}
