import { ENTER_ALT_SCREEN, HIDE_CURSOR, LEAVE_ALT_SCREEN, RESET_STYLE, SHOW_CURSOR } from './ansi.js';
import type { ScreenSize } from './screen-render.js';

/** What the chat needs from a terminal; tests pass a fake, the CLI the process's own. */
export interface TerminalPort {
  size(): ScreenSize;
  write(text: string): void;
  /** Raw keys as typed; returns the unsubscribe. */
  onKeys(listener: (chunk: string) => void): () => void;
  onResize(listener: () => void): () => void;
  /** Raw mode, the alternate screen, no cursor. */
  enter(): void;
  /** Undoes `enter`; safe to call twice, and from any exit path. */
  restore(): void;
}

// A terminal that reports no size (some CI ptys) gets the classic 80 x 24.
const FALLBACK_SIZE: ScreenSize = { columns: 80, rows: 24 };

/** The process's controlling terminal. */
export class NodeTerminal implements TerminalPort {
  readonly #stdin: NodeJS.ReadStream;
  readonly #stdout: NodeJS.WriteStream;
  #entered = false;

  constructor(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream) {
    this.#stdin = stdin;
    this.#stdout = stdout;
  }

  size(): ScreenSize {
    const { columns, rows } = this.#stdout;
    return columns > 0 && rows > 0 ? { columns, rows } : FALLBACK_SIZE;
  }

  write(text: string): void {
    if (this.#stdout.writable) this.#stdout.write(text);
  }

  onKeys(listener: (chunk: string) => void): () => void {
    this.#stdin.on('data', listener);
    return () => this.#stdin.off('data', listener);
  }

  onResize(listener: () => void): () => void {
    this.#stdout.on('resize', listener);
    return () => this.#stdout.off('resize', listener);
  }

  enter(): void {
    if (this.#entered) return;
    this.#entered = true;
    this.#stdin.setRawMode(true);
    this.#stdin.setEncoding('utf8');
    this.#stdin.resume();
    this.write(ENTER_ALT_SCREEN + HIDE_CURSOR);
  }

  restore(): void {
    if (!this.#entered) return;
    this.#entered = false;
    // After a hangup the terminal is gone and both calls may fail; there is nothing left to restore then.
    try {
      // Shown after leaving the alternate screen, so the shell's cursor is visible even on a terminal that keeps cursor state per screen.
      this.write(RESET_STYLE + LEAVE_ALT_SCREEN + SHOW_CURSOR);
    } catch {
      /* terminal gone */
    }
    try {
      if (this.#stdin.isTTY) this.#stdin.setRawMode(false);
    } catch {
      /* terminal gone */
    }
    this.#stdin.pause();
  }
}
