import { TailorError } from '../../core/errors.js';

export function abortedError(what: string, cause?: unknown): TailorError {
  return new TailorError('ABORTED', `${what} was cancelled.`, cause === undefined ? {} : { cause });
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw abortedError(what, signal.reason);
}

/**
 * One signal that fires when either the caller's signal or our own controller does, so a
 * stream the consumer stops reading can cancel the work behind it.
 */
export function linkAbort(signal: AbortSignal | undefined): { controller: AbortController; signal: AbortSignal } {
  const controller = new AbortController();
  return { controller, signal: signal ? AbortSignal.any([signal, controller.signal]) : controller.signal };
}
