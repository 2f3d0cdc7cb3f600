/**
 * Applies stop sequences to streamed text exactly: the output is everything before the first
 * occurrence of any stop string, and text that could still turn into a stop string is held
 * back until it is known not to. (Token-level stop triggers lose text when a stop string
 * starts inside a token, e.g. " named" for stop "named".)
 */
export interface StopFilter {
  /** Returns the text that is now safe to emit; `stopped` once a stop string was seen. */
  push(chunk: string): string;
  /** Releases text held back at the end of generation (nothing once stopped). */
  flush(): string;
  readonly stopped: boolean;
}

export function createStopFilter(stops: readonly string[] | undefined): StopFilter {
  const active = (stops ?? []).filter((s) => s.length > 0);
  let pending = '';
  let stopped = false;

  return {
    get stopped() {
      return stopped;
    },
    push(chunk) {
      if (stopped) return '';
      if (active.length === 0) return chunk;
      pending += chunk;
      let cut = -1;
      for (const stop of active) {
        const at = pending.indexOf(stop);
        if (at >= 0 && (cut < 0 || at < cut)) cut = at;
      }
      if (cut >= 0) {
        stopped = true;
        const out = pending.slice(0, cut);
        pending = '';
        return out;
      }
      const hold = longestStopPrefixSuffix(pending, active);
      const out = pending.slice(0, pending.length - hold);
      pending = pending.slice(pending.length - hold);
      return out;
    },
    flush() {
      const out = stopped ? '' : pending;
      pending = '';
      return out;
    },
  };
}

/** Length of the longest suffix of `text` that is a proper prefix of some stop string. */
function longestStopPrefixSuffix(text: string, stops: readonly string[]): number {
  let best = 0;
  for (const stop of stops) {
    for (let n = Math.min(stop.length - 1, text.length); n > best; n--) {
      if (text.endsWith(stop.slice(0, n))) {
        best = n;
        break;
      }
    }
  }
  return best;
}
