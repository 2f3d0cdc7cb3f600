import cliProgress from 'cli-progress';
import type { ProgressEvent, ProgressListener } from '../core/logger.js';

/**
 * A bar on a TTY; elsewhere (CI, pipes, logs) a line every `every` items, so long
 * work is visible without filling logs with escape codes.
 */
export function createProgress(stream: NodeJS.WriteStream, enabled: boolean, every = 500): { listener: ProgressListener; stop(): void } {
  if (!enabled) return { listener: () => {}, stop() {} };
  if (stream.isTTY) {
    let bar: cliProgress.SingleBar | undefined;
    let phase = '';
    return {
      listener(event: ProgressEvent) {
        if (!bar || event.phase !== phase) {
          bar?.stop();
          phase = event.phase;
          bar = new cliProgress.SingleBar(
            { stream, format: `${event.phase.padEnd(8)} {bar} {value}/{total} {percentage}% | ETA {eta_formatted} | {item}`, hideCursor: true, clearOnComplete: false },
            cliProgress.Presets.shades_classic,
          );
          bar.start(event.total ?? 0, 0, { item: '' });
        }
        if (event.total !== undefined) bar.setTotal(event.total);
        bar.update(event.done, { item: shorten(event.item ?? '') });
      },
      stop: () => bar?.stop(),
    };
  }
  let last = 0;
  return {
    listener(event) {
      const finished = event.total !== undefined && event.done === event.total;
      if (event.done - last >= every || finished) {
        last = event.done;
        stream.write(`${event.phase}: ${event.done}${event.total !== undefined ? `/${event.total}` : ''}\n`);
      }
    },
    stop() {},
  };
}

function shorten(text: string, max = 40): string {
  return text.length <= max ? text : '…' + text.slice(text.length - max + 1);
}
