import type { ParticipantInfo } from '../../server/protocol.js';
import type { Happening } from '../core/event-feed.js';
import type { Io } from '../core/io.js';
import type { ConnectionState } from '../core/poller.js';
import { el } from './dom.js';
import { LaneBoard, SELF } from './lane-board.js';
import { NoticeBoard } from './notice-board.js';
import { TypingInput } from './typing-input.js';

export interface ChatViewOptions {
  doc: Document;
  timers: Pick<Io, 'setTimeout' | 'clearTimeout'>;
  ownName: string;
  roomUrl: string;
  reducedMotion: boolean;
  copy(text: string): Promise<boolean>;
  /** Called with each piece of text you type, after it is already on screen. */
  onType(text: string): void;
}

/** The conversation on screen: lanes, notices and the field you type into. */
export class ChatView {
  readonly element: HTMLElement;
  readonly #board: LaneBoard;
  readonly #notices: NoticeBoard;
  readonly #input: TypingInput;
  readonly #present = new Set<string>();

  constructor(options: ChatViewOptions) {
    const { doc } = options;
    this.#board = new LaneBoard({ doc, timers: options.timers, ownName: options.ownName, reducedMotion: options.reducedMotion });
    this.#notices = new NoticeBoard({ doc, timers: options.timers, roomUrl: options.roomUrl, copy: options.copy });
    this.#input = new TypingInput(doc, (text) => {
      // Your own text is shown the moment you type it; its echo from the server is not.
      this.#board.write(SELF, text);
      options.onType(text);
    });
    this.element = el(doc, 'div', 'chat');
    this.element.append(this.#notices.element, this.#board.element, this.#input.element);
  }

  seed(others: ParticipantInfo[]): void {
    for (const p of others) this.#arrive(p);
    this.#notices.setAlone(this.#present.size === 0);
  }

  show(happenings: Happening[]): void {
    for (const h of happenings) {
      switch (h.type) {
        case 'text':
          this.#arrive({ id: h.from, name: h.name });
          this.#board.write(h.from, h.text);
          break;
        case 'joined':
          this.#arrive(h.participant);
          this.#notices.say(`${h.participant.name} joined`);
          break;
        case 'left':
          this.#present.delete(h.participant.id);
          this.#board.removeLane(h.participant.id);
          this.#notices.say(`${h.participant.name} left the chat`);
          break;
        case 'away':
          this.#board.setNote(h.participant.id, `${h.participant.name} tabbed away and won't see your messages`);
          break;
        case 'back':
          this.#board.setNote(h.participant.id, undefined);
          this.#notices.say(`${h.participant.name} is back`);
          break;
      }
    }
    this.#notices.setAlone(this.#present.size === 0);
  }

  /** Where a shared picture goes: the lane of `id` (SELF for yours), made if needed. */
  laneElement(id: string, name: string): HTMLElement | undefined {
    if (id !== SELF) this.#arrive({ id, name });
    return this.#board.laneElement(id);
  }

  connection(state: ConnectionState): void {
    this.#notices.connection(state);
  }

  focusInput(): void {
    this.#input.focus();
  }

  destroy(): void {
    this.#board.clear();
    this.#notices.clear();
    this.element.remove();
  }

  #arrive(p: ParticipantInfo): void {
    this.#present.add(p.id);
    this.#board.ensureLane(p.id, p.name);
  }
}
