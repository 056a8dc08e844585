/**
 * The one logger: a JSON object per line on stdout, for Heroku's log router.
 * Callers pass fields, never free text built from user input: no message text and no
 * token may reach a log line, and a closed set of fields makes that reviewable.
 */
export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

export function createLogger(write: (line: string) => void): Logger {
  // Many requests end within one millisecond; format its timestamp once.
  let stampedMs = -1;
  let stamp = '';
  return {
    log(level, event, fields = {}) {
      const ms = Date.now();
      if (ms !== stampedMs) {
        stampedMs = ms;
        stamp = new Date(ms).toISOString();
      }
      write(JSON.stringify({ time: stamp, level, event, ...fields }));
    },
  };
}

export interface LineSink {
  write(line: string): void;
  /** Writes what is buffered now, and calls back once it is out. */
  flush(done?: () => void): void;
}

// A line per request would be a write per request; lines written in one turn of the event
// loop go out as one write instead. 64 KiB bounds the buffer under a burst.
const MAX_BUFFERED_CHARS = 64 * 1024;

/** Lines to stdout, batched per event-loop turn. */
export function stdoutSink(out: NodeJS.WritableStream = process.stdout): LineSink {
  let buffered = '';
  let scheduled = false;
  const flush = (done?: () => void): void => {
    scheduled = false;
    const chunk = buffered;
    buffered = '';
    if (chunk === '' && done === undefined) return;
    out.write(chunk, () => done?.());
  };
  return {
    write(line) {
      buffered += `${line}\n`;
      if (buffered.length >= MAX_BUFFERED_CHARS) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

export const silentLogger: Logger = { log() {} };
