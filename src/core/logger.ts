/** Loggers are passed in; core never writes anywhere itself. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A line-per-event logger writing through `write` (stderr in the CLI, an array in tests). */
export function createLineLogger(write: (line: string) => void, minLevel: LogLevel = 'info', json = false): Logger {
  return {
    log(level, message, fields) {
      if (ORDER[level] < ORDER[minLevel]) return;
      if (json) {
        write(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }));
        return;
      }
      const extra = fields && Object.keys(fields).length > 0 ? ' ' + JSON.stringify(fields) : '';
      write(`${level}: ${message}${extra}`);
    },
  };
}

export const silentLogger: Logger = { log() {} };

/** Progress events for long work; the CLI turns them into a bar, the server into a job status. */
export interface ProgressEvent {
  phase: string;
  done: number;
  total?: number;
  item?: string;
}

export type ProgressListener = (event: ProgressEvent) => void;
