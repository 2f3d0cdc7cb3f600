import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PII_KINDS, isValidCardNumber, isValidIban, parsePiiKinds, redactPii } from '../src/ingest/redact.js';
import { isTailorError } from '../src/core/errors.js';

const ALL = PII_KINDS;

describe('redactPii true positives', () => {
  const cases: [string, string, string][] = [
    ['email', 'Write to john.doe+tag@mail.example.co.uk today.', 'Write to [EMAIL] today.'],
    ['email', '<a@b.io>, x_y@sub-domain.org.', '<[EMAIL]>, [EMAIL].'],
    ['phone', 'Call +44 20 7946 0958 now.', 'Call [PHONE] now.'],
    ['phone', 'US: +1 (555) 123-4567; DE: +49 30 901820; FR +33 1 23 45 67 89.', 'US: [PHONE]; DE: [PHONE]; FR [PHONE].'],
    ['phone', 'Office 555-123-4567, cell (555) 123-4567, fax 555.123.4567.', 'Office [PHONE], cell [PHONE], fax [PHONE].'],
    ['phone', 'London 020 7946 0958.', 'London [PHONE].'],
    ['iban', 'Pay GB82 WEST 1234 5698 7654 32 or DE89370400440532013000.', 'Pay [IBAN] or [IBAN].'],
    ['card', 'Visa 4111 1111 1111 1111, MC 5500-0000-0000-0004, Amex 378282246310005.', 'Visa [CARD], MC [CARD], Amex [CARD].'],
    ['ip', 'Hosts 192.168.1.1 and 10.0.0.255.', 'Hosts [IP] and [IP].'],
    ['ip', 'v6 2001:db8::ff00:42:8329, fe80::1 and ::ffff:192.0.2.128.', 'v6 [IP], [IP] and [IP].'],
    ['ssn', 'SSN 123-45-6789.', 'SSN [SSN].'],
  ];
  for (const [kind, input, expected] of cases) {
    test(`${kind}: ${input}`, () => {
      const result = redactPii(input, ALL);
      assert.equal(result.text, expected);
      const placeholders = expected.match(/\[[A-Z]+\]/g)?.length ?? 0;
      assert.equal(result.counts[kind as keyof typeof result.counts], placeholders);
    });
  }
});

describe('redactPii tricky negatives', () => {
  const untouched = [
    'In 2023 we shipped v1.2.3 and v10.4.1.2 of the app.',
    'The meeting is on 2023-01-15 at 12:30:45, or 01/02/2023, or 15.01.2023.',
    'We sold 1,234,567 units; pi is 3.14159; see pages 10-20 and ZIP 90210.',
    'Order #123456789012 and ISBN 978-3-16-148410-0 are not personal.',
    'A Luhn-invalid card 4111 1111 1111 1112 stays as it is.',
    'So does 1234 5678 9012 3456, and a run of ones 1111111111111.',
    'An IBAN with a wrong check GB82 WEST 1234 5698 7654 33 stays.',
    'Not IPs: 999.1.1.1, 1.2.3.4.5, 256.100.1.1; not IPv6: 12:30:45, MAC 00:1A:2B:3C:4D:5E, std::vector.',
    'Not SSNs: 000-12-3456, 666-12-3456, 900-12-3456, 123-45-67890.',
    'Emails need a domain: user@localhost, @handle, a@b.',
    'Short numbers +12 34 and 555-1234 are not phone numbers here.',
  ];
  for (const input of untouched) {
    test(input, () => {
      const result = redactPii(input, ALL);
      assert.equal(result.text, input);
      assert.deepEqual(result.counts, {});
    });
  }

  test('a phone pattern does not swallow the year after it', () => {
    assert.equal(redactPii('Reach +44 20 7946 0958 2023 edition.', ALL).text, 'Reach [PHONE] 2023 edition.');
  });
});

describe('redactPii selection and counts', () => {
  const text = 'Mail a@example.com, call 555-123-4567, card 4111111111111111, host 8.8.8.8, mail b@example.org.';

  test('only the requested kinds are redacted', () => {
    const result = redactPii(text, ['email']);
    assert.equal(result.text, 'Mail [EMAIL], call 555-123-4567, card 4111111111111111, host 8.8.8.8, mail [EMAIL].');
    assert.deepEqual(result.counts, { email: 2 });
  });

  test('counts every kind found', () => {
    const result = redactPii(text, ALL);
    assert.equal(result.text, 'Mail [EMAIL], call [PHONE], card [CARD], host [IP], mail [EMAIL].');
    assert.deepEqual(result.counts, { email: 2, phone: 1, card: 1, ip: 1 });
  });

  test('no kinds, no change', () => {
    assert.deepEqual(redactPii(text, []), { text, counts: {} });
  });
});

describe('validators', () => {
  test('Luhn', () => {
    assert.equal(isValidCardNumber('4111111111111111'), true);
    assert.equal(isValidCardNumber('4111111111111112'), false);
    assert.equal(isValidCardNumber('4111 1111-1111 1111'), false, 'mixed separators');
  });

  test('IBAN mod-97', () => {
    assert.equal(isValidIban('GB82 WEST 1234 5698 7654 32'), true);
    assert.equal(isValidIban('FR1420041010050500013M02606'), true);
    assert.equal(isValidIban('GB82 WEST 1234 5698 7654 31'), false);
  });
});

describe('parsePiiKinds', () => {
  test('parses lists, case and spaces aside, and all', () => {
    assert.deepEqual(parsePiiKinds('Email, phone'), ['email', 'phone']);
    assert.deepEqual(parsePiiKinds('ssn,ssn'), ['ssn']);
    assert.deepEqual(parsePiiKinds('all'), [...PII_KINDS]);
    assert.deepEqual(parsePiiKinds(''), []);
  });

  test('an unknown kind is INVALID_ARGUMENT naming the valid ones', () => {
    assert.throws(
      () => parsePiiKinds('email,passport'),
      (error: unknown) => isTailorError(error) && error.code === 'INVALID_ARGUMENT' && /passport/.test(error.message) && PII_KINDS.every((k) => error.message.includes(k)),
    );
  });
});
