import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether tmux is installed (.ci/run installs it; a developer may not have it). */
export async function hasTmux(): Promise<boolean> {
  try {
    await run('tmux', ['-V']);
    return true;
  } catch {
    return false;
  }
}

/**
 * A detached tmux session on its own server socket (-L), so parallel test runs and a
 * developer's own tmux never see each other. The pane runs `sh`; tests type into it.
 */
export class TmuxPane {
  readonly socket = `phantachat-test-${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly #env: Record<string, string>;

  constructor(env: Record<string, string>) {
    this.#env = env;
  }

  async start(columns: number, rows: number): Promise<void> {
    await this.#tmux('new-session', '-d', '-s', 'chat', '-x', String(columns), '-y', String(rows), 'sh');
  }

  /** A tmux format about the pane, e.g. '#{pane_pid}' or '#{alternate_on} #{cursor_flag}'. */
  async format(format: string): Promise<string> {
    const { stdout } = await this.#tmux('display-message', '-p', '-t', 'chat', format);
    return stdout.trim();
  }

  /** Types `text` literally, as a person would. */
  type(text: string): Promise<void> {
    return this.#tmux('send-keys', '-t', 'chat', '-l', text).then(() => undefined);
  }

  /** Presses named keys: 'Enter', 'BSpace', 'C-c'. */
  press(...keys: string[]): Promise<void> {
    return this.#tmux('send-keys', '-t', 'chat', ...keys).then(() => undefined);
  }

  async resize(columns: number, rows: number): Promise<void> {
    await this.#tmux('resize-window', '-t', 'chat', '-x', String(columns), '-y', String(rows));
  }

  /** The pane's visible text, one string per row. */
  async capture(): Promise<string[]> {
    const { stdout } = await this.#tmux('capture-pane', '-p', '-t', 'chat');
    return stdout.replace(/\n$/u, '').split('\n');
  }

  async kill(): Promise<void> {
    await this.#tmux('kill-server').catch(() => undefined);
  }

  #tmux(...args: string[]): Promise<{ stdout: string }> {
    return run('tmux', ['-L', this.socket, ...args], { env: this.#env, timeout: 5000 });
  }
}
