import { TailorError } from '../core/errors.js';

/**
 * Parsers for numeric flags: a value that is not the number the flag needs is refused with the
 * flag's name and what it takes, instead of becoming NaN somewhere downstream.
 */
export function integerFlag(flag: string, min = 0): (value: string) => number {
  return (value) => {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isInteger(n) || n < min) {
      throw new TailorError('INVALID_ARGUMENT', `${flag} takes a whole number ≥ ${min} (got "${value}").`, { details: { flag, value } });
    }
    return n;
  };
}

export function decimalFlag(flag: string, min = 0, max = Number.POSITIVE_INFINITY): (value: string) => number {
  return (value) => {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      const range = Number.isFinite(max) ? `between ${min} and ${max}` : `≥ ${min}`;
      throw new TailorError('INVALID_ARGUMENT', `${flag} takes a number ${range} (got "${value}").`, { details: { flag, value } });
    }
    return n;
  };
}
