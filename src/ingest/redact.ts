import { isIPv4, isIPv6 } from 'node:net';
import { TailorError } from '../core/errors.js';

export type PiiKind = 'email' | 'phone' | 'iban' | 'card' | 'ip' | 'ssn';

/** In the order overlapping matches are settled: an email's digits are not a phone, an IBAN's not a card. */
export const PII_KINDS: readonly PiiKind[] = ['email', 'iban', 'card', 'ssn', 'ip', 'phone'];

export const PII_PLACEHOLDERS: Readonly<Record<PiiKind, string>> = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  iban: '[IBAN]',
  card: '[CARD]',
  ip: '[IP]',
  ssn: '[SSN]',
};

export interface RedactionResult {
  text: string;
  /** Placeholders substituted per kind; kinds with none are absent. */
  counts: Partial<Record<PiiKind, number>>;
}

/** Parses a comma-separated list such as "email,phone" or "all" (case and spaces ignored). */
export function parsePiiKinds(csv: string): PiiKind[] {
  const kinds = new Set<PiiKind>();
  for (const raw of csv.split(',')) {
    const name = raw.trim().toLowerCase();
    if (name === '') continue;
    if (name === 'all') {
      for (const kind of PII_KINDS) kinds.add(kind);
    } else if ((PII_KINDS as readonly string[]).includes(name)) {
      kinds.add(name as PiiKind);
    } else {
      throw new TailorError('INVALID_ARGUMENT', `Unknown PII kind '${raw.trim()}'. Use a comma-separated list of: ${PII_KINDS.join(', ')}, or 'all'.`, {
        details: { kind: raw.trim(), valid: [...PII_KINDS, 'all'] },
      });
    }
  }
  return PII_KINDS.filter((kind) => kinds.has(kind));
}

/**
 * Replaces personal data with typed placeholders ("[EMAIL]", "[PHONE]" …). Candidates are validated, not just
 * pattern-matched: cards must pass Luhn, IBANs ISO 13616 mod-97, IPs must parse, phones need 8–15 digits in an
 * international (+44 20 7946 0958) or common national shape (555-123-4567, (555) 123-4567, 020 7946 0958),
 * and SSNs the dashed US shape outside the never-issued ranges. Where matches overlap the earlier kind in
 * `PII_KINDS` wins.
 */
export function redactPii(text: string, kinds: readonly PiiKind[]): RedactionResult {
  const wanted = new Set(kinds);
  const matches: Match[] = [];
  for (const kind of PII_KINDS) {
    if (!wanted.has(kind)) continue;
    for (const match of FINDERS[kind](text)) {
      if (!matches.some((m) => m.start < match.end && match.start < m.end)) matches.push(match);
    }
  }
  matches.sort((a, b) => a.start - b.start);
  const counts: Partial<Record<PiiKind, number>> = {};
  let out = '';
  let cursor = 0;
  for (const match of matches) {
    out += text.slice(cursor, match.start) + PII_PLACEHOLDERS[match.kind];
    cursor = match.end;
    counts[match.kind] = (counts[match.kind] ?? 0) + 1;
  }
  return { text: matches.length === 0 ? text : out + text.slice(cursor), counts };
}

interface Match {
  kind: PiiKind;
  start: number;
  end: number;
}

type Finder = (text: string) => Match[];

const EMAIL = /(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![\w-])/g;
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g;
const CARD = /(?<!(?:\d|\+)[ -]?)\d(?:[ -]?\d){12,18}(?![ -]?\d)/g;
const SSN = /(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])/g;
const IPV4 = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)/g;
const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{1,4})?(?![\w:]|\.\d)/g;
const PHONE_INTERNATIONAL = /(?<![\w+])\+\d{1,3}(?:[ .-]?(?:\(\d{1,4}\)|\d{1,4})){2,6}(?![\w])/g;
const PHONE_NATIONAL = /(?<![\w.+-])(?:\(\d{3}\) ?\d{3}[-. ]\d{4}|\d{3}([-.])\d{3}\1\d{4}|0\d{2,4}([ -])\d{3,4}\2\d{3,4})(?![\w]|[-.]\d)/g;

const FINDERS: Record<PiiKind, Finder> = {
  email: (text) => find(text, EMAIL, 'email', () => true),
  iban: (text) => find(text, IBAN, 'iban', (m) => longestValidPrefix(m, isValidIban)),
  card: (text) => find(text, CARD, 'card', isValidCardNumber),
  ssn: (text) => find(text, SSN, 'ssn', () => true),
  // IPv6 first, so an IPv4-mapped address (::ffff:192.0.2.128) is taken whole.
  ip: (text) => [
    ...find(text, IPV6, 'ip', (m) => /[0-9A-Fa-f]/.test(m) && isIPv6(m)),
    ...find(text, IPV4, 'ip', (m) => isIPv4(m)),
  ],
  phone: (text) => [
    ...find(text, PHONE_INTERNATIONAL, 'phone', (m) => longestValidPrefix(m, isPlausiblePhone)),
    ...find(text, PHONE_NATIONAL, 'phone', () => true),
  ],
};

/** `check` answers true (keep the match), false (drop it) or a shorter length to keep. */
function find(text: string, pattern: RegExp, kind: PiiKind, check: (match: string) => boolean | number): Match[] {
  const matches: Match[] = [];
  for (const m of text.matchAll(pattern)) {
    const verdict = check(m[0]);
    if (verdict === false || verdict === 0) continue;
    const length = verdict === true ? m[0].length : verdict;
    matches.push({ kind, start: m.index, end: m.index + length });
  }
  return matches;
}

/** A pattern may run on into the next group ("GB82 WEST … 32 ABCD"): drop trailing groups until valid. */
function longestValidPrefix(match: string, valid: (candidate: string) => boolean): number | false {
  let candidate = match;
  for (;;) {
    if (valid(candidate)) return candidate.length;
    const cut = Math.max(candidate.lastIndexOf(' '), candidate.lastIndexOf('-'), candidate.lastIndexOf('.'));
    if (cut <= 0) return false;
    candidate = candidate.slice(0, cut);
  }
}

/** ISO 13616: move the first four characters to the end, letters to 10–35, and the number mod 97 must be 1. */
export function isValidIban(candidate: string): boolean {
  const iban = candidate.replace(/ /g, '');
  if (iban.length < 15 || iban.length > 34 || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = (value >= 10 ? remainder * 100 + value : remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

/** 13–19 digits, one kind of separator at most, and a valid Luhn check digit. */
export function isValidCardNumber(candidate: string): boolean {
  if (candidate.includes(' ') && candidate.includes('-')) return false;
  const digits = candidate.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19 || /^(\d)\1+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** E.164 allows at most 15 digits; fewer than 8 with a country code is not a reachable number. */
function isPlausiblePhone(candidate: string): boolean {
  if (/[ .-]$/.test(candidate)) return false;
  const digits = candidate.replace(/\D/g, '').length;
  return digits >= 8 && digits <= 15;
}
