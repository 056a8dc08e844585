import type { JoinResponse } from '../../server/protocol.js';
import type { ApiClient } from '../core/api-client.js';
import { EventFeed } from '../core/event-feed.js';
import { TypingReplay } from '../core/typing-replay.js';
import { sleep, type Io, type TimerHandle } from '../core/io.js';
import { Poller, type ConnectionState } from '../core/poller.js';
import { Sender } from '../core/sender.js';
import type { Session } from '../core/session.js';
import { decodeKeys } from './key-decoder.js';
import type { TerminalPort } from './node-terminal.js';
import { ScreenModel } from './screen-model.js';
import { frame, renderScreen } from './screen-render.js';

/** Why the chat ended: you left (Ctrl-C, a signal, an error), or the room did. */
export type ChatEnd = 'left' | 'full' | 'vanished';

export type ChatState = 'idle' | 'running' | 'ended' | 'closed';

export interface TerminalChatOptions {
  io: Io;
  api: ApiClient;
  session: Session;
  join: JoinResponse;
  terminal: TerminalPort;
  roomUrl: string;
}

// 2 s for the leave request on the way out: the user is waiting for the prompt, and a
// leave lost on a slow network still frees the seat within PRESENCE_TIMEOUT_MS.
export const LEAVE_WAIT_MS = 2000;

/**
 * A conversation in the terminal, on the shared client core: the poller and sender
 * talk to the server, the screen model holds what is shown, and one timer redraws at
 * the next fade. `quit()` releases every timer, listener and request, frees the seat
 * and restores the terminal, whichever path gets there first.
 */
export class TerminalChat {
  readonly done: Promise<ChatEnd>;
  #state: ChatState = 'idle';
  #end: ChatEnd = 'left';
  #resolve!: (end: ChatEnd) => void;
  #redraw: TimerHandle | undefined;
  #unsubscribe: Array<() => void> = [];
  #pollerConnection: ConnectionState = 'connected';
  #senderStalled = false;
  readonly #options: TerminalChatOptions;
  readonly #model: ScreenModel;
  readonly #feed: EventFeed;
  readonly #replay: TypingReplay;
  readonly #poller: Poller;
  readonly #sender: Sender;

  constructor(options: TerminalChatOptions) {
    this.#options = options;
    const { io, api, session, join, roomUrl } = options;
    this.done = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    this.#model = new ScreenModel(join.name, roomUrl);
    this.#feed = new EventFeed((id) => session.isOwn(id));
    this.#replay = new TypingReplay(io, (happenings) => {
      this.#model.apply(happenings, io.now());
      this.#draw();
    });
    this.#sender = new Sender({
      io,
      api,
      seat: session,
      room: session.room,
      onEnd: (reason) => this.#roomEnded(reason),
      onBacklog: (stalled) => {
        this.#senderStalled = stalled;
        this.#showConnection();
      },
    });
    this.#poller = new Poller({
      io,
      api,
      seat: session,
      room: session.room,
      cursor: join.cursor,
      holdMs: join.holdMs,
      onEvents: (events) => {
        this.#replay.apply(this.#feed.apply(events, io.now()));
      },
      onConnection: (state) => {
        this.#pollerConnection = state;
        this.#showConnection();
      },
      onEnd: (reason) => this.#roomEnded(reason),
    });
  }

  get state(): ChatState {
    return this.#state;
  }

  start(): void {
    if (this.#state !== 'idle') throw new TypeError(`TerminalChat#start called while ${this.#state}`);
    this.#state = 'running';
    const { terminal, join } = this.#options;
    terminal.enter();
    this.#unsubscribe.push(
      terminal.onKeys((chunk) => this.#keys(chunk)),
      terminal.onResize(() => this.#draw()),
    );
    this.#model.seed(this.#feed.seed(join.participants));
    this.#model.setStatus('connected');
    this.#poller.start();
    this.#draw();
  }

  /** Leaves the room (when still seated), restores the terminal and settles `done`. */
  async quit(): Promise<ChatEnd> {
    if (this.#state === 'closed' || this.#state === 'idle') {
      this.#state = 'closed';
      this.#resolve(this.#end);
      return this.done;
    }
    const seated = this.#state === 'running';
    this.#state = 'closed';
    this.#stopLoops();
    this.#cancelRedraw();
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#options.terminal.restore();
    if (seated) await this.#leave();
    this.#options.session.end();
    this.#resolve(this.#end);
    return this.done;
  }

  #keys(chunk: string): void {
    if (this.#state === 'ended') {
      // The room is gone; the status line asked for any key.
      void this.quit();
      return;
    }
    if (this.#state !== 'running') return;
    const { text, quit } = decodeKeys(chunk);
    if (text !== '') {
      this.#model.type(text, this.#options.io.now());
      this.#sender.push(text);
    }
    if (quit) {
      void this.quit();
      return;
    }
    this.#draw();
  }

  async #leave(): Promise<void> {
    const { io, api, session } = this.#options;
    const wait = sleep(io, LEAVE_WAIT_MS);
    try {
      await Promise.race([api.leave(session.room, session.token()), wait.done]);
    } finally {
      wait.cancel();
    }
  }

  #roomEnded(reason: 'full' | 'vanished'): void {
    if (this.#state !== 'running') return;
    this.#state = 'ended';
    this.#end = reason;
    this.#stopLoops();
    this.#model.setStatus(reason);
    this.#draw();
  }

  #stopLoops(): void {
    this.#poller.stop();
    this.#sender.stop();
    this.#replay.clear();
  }

  #cancelRedraw(): void {
    if (this.#redraw !== undefined) this.#options.io.clearTimeout(this.#redraw);
    this.#redraw = undefined;
  }

  #showConnection(): void {
    if (this.#state !== 'running') return;
    this.#model.setStatus(this.#pollerConnection === 'connected' && !this.#senderStalled ? 'connected' : 'reconnecting');
    this.#draw();
  }

  /** Paints now, then once more when something next fades or vanishes. */
  #draw(): void {
    if (this.#state !== 'running' && this.#state !== 'ended') return;
    const { io, terminal } = this.#options;
    const now = io.now();
    terminal.write(frame(renderScreen(this.#model.view(now), terminal.size())));
    // Text still fades and vanishes after the room ended, until you press a key.
    this.#cancelRedraw();
    const next = this.#model.nextChangeAt(now);
    if (next !== undefined) {
      this.#redraw = io.setTimeout(() => {
        this.#redraw = undefined;
        this.#draw();
      }, next - now);
    }
  }
}
