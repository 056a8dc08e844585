import { constants } from 'node:os';

/** Why the process was asked to stop from outside the chat. */
export type ExitCause = { kind: 'signal'; signal: NodeJS.Signals } | { kind: 'error'; error: unknown };

/** The part of `process` the guard listens on; tests pass an EventEmitter. */
export type ExitSource = Pick<NodeJS.EventEmitter, 'on' | 'off'>;

/** Ctrl-C outside raw mode, `kill`, a closed terminal window. */
export const EXIT_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Routes every way a running chat can be stopped from outside (signals, an uncaught
 * error, a rejected promise) into one `onExit`, called once with the first cause, so
 * each path leaves the room and restores the terminal the same way. Later causes
 * are absorbed: the process is already on its way out.
 */
export class ExitGuard {
  #cause: ExitCause | undefined;
  readonly #source: ExitSource;
  readonly #listeners: Array<[string, (arg: unknown) => void]> = [];

  constructor(source: ExitSource, onExit: (cause: ExitCause) => void) {
    this.#source = source;
    const exit = (cause: ExitCause): void => {
      if (this.#cause) return;
      this.#cause = cause;
      onExit(cause);
    };
    for (const signal of EXIT_SIGNALS) this.#listen(signal, () => exit({ kind: 'signal', signal }));
    this.#listen('uncaughtException', (error: unknown) => exit({ kind: 'error', error }));
    this.#listen('unhandledRejection', (error: unknown) => exit({ kind: 'error', error }));
  }

  get cause(): ExitCause | undefined {
    return this.#cause;
  }

  /** The process's exit status for the cause: 128 + the signal's number, or 1 for an error. */
  exitCode(): number | undefined {
    const cause = this.#cause;
    if (!cause) return undefined;
    return cause.kind === 'signal' ? 128 + constants.signals[cause.signal] : 1;
  }

  dispose(): void {
    for (const [event, listener] of this.#listeners.splice(0)) this.#source.off(event, listener);
  }

  #listen(event: string, listener: (arg: unknown) => void): void {
    this.#source.on(event, listener);
    this.#listeners.push([event, listener]);
  }
}
