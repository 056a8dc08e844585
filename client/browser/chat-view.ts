import type { ParticipantInfo } from '../../server/protocol.js';
import type { Happening } from '../core/event-feed.js';
import type { Io } from '../core/io.js';
import type { ConnectionState } from '../core/poller.js';
import { cleanText } from '../core/text-cleaner.js';
import { el } from './dom.js';
import { LaneBoard, SELF } from './lane-board.js';
import { NoticeBoard } from './notice-board.js';
import { SpeechLog } from './speech-log.js';
import { TypingInput } from './typing-input.js';

export interface ChatViewOptions {
  doc: Document;
  timers: Pick<Io, 'setTimeout' | 'clearTimeout'>;
  ownName: string;
  roomUrl: string;
  /** Seats in the room (from join): the wording differs for two and for a group. */
  capacity: number;
  reducedMotion: boolean;
  copy(text: string): Promise<boolean>;
  /** Called with each piece of text you type, cleaned, after it is already on screen. */
  onType(text: string): void;
}

/** The conversation on screen: a heading, notices, lanes, the spoken log and the field you type into. */
export class ChatView {
  readonly element: HTMLElement;
  readonly #board: LaneBoard;
  readonly #notices: NoticeBoard;
  readonly #speech: SpeechLog;
  readonly #input: TypingInput;
  readonly #headcount: HTMLElement;
  readonly #capacity: number;
  readonly #present = new Map<string, string>();
  /** Whose last text was late: the "arrived late" notice is said once per late stretch. */
  readonly #lateFrom = new Set<string>();
  #othersEver = false;

  constructor(options: ChatViewOptions) {
    const { doc, timers } = options;
    this.#capacity = options.capacity;
    this.#board = new LaneBoard({ doc, timers, ownName: options.ownName, reducedMotion: options.reducedMotion });
    this.#notices = new NoticeBoard({ doc, timers, roomUrl: options.roomUrl, capacity: options.capacity, copy: options.copy });
    this.#speech = new SpeechLog(doc, timers);
    this.#input = new TypingInput(doc, (typed) => {
      const { text, removed } = cleanText(typed);
      if (removed > 0) this.#notices.say(removedNotice(removed));
      if (text === '') return;
      // Your own text is shown the moment you type it; its echo from the server is not.
      this.#board.write(SELF, text);
      options.onType(text);
    });
    const head = el(doc, 'header', 'chat-head');
    this.#headcount = el(doc, 'p', 'headcount');
    head.append(el(doc, 'h1', 'chat-title', 'Phantachat'), this.#headcount);
    this.element = el(doc, 'div', 'chat');
    this.element.append(head, this.#notices.element, this.#board.element, this.#speech.element, this.#input.element);
  }

  seed(others: ParticipantInfo[]): void {
    for (const p of others) this.#arrive(p);
    this.#update();
  }

  show(happenings: Happening[]): void {
    for (const h of happenings) {
      switch (h.type) {
        case 'text': {
          this.#arrive({ id: h.from, name: h.name });
          // What a server lets through from other clients (curl, say) is shown as cleanly as what we send.
          const { text } = cleanText(h.text);
          if (text === '') break;
          const late = h.late === true;
          this.#board.write(h.from, text, late);
          this.#speech.heard(h.from, late ? `${h.name} (late)` : h.name, text);
          if (late && !this.#lateFrom.has(h.from)) this.#notices.say(`${h.name}'s text in italics was typed while their connection was down: it arrived late`);
          if (late) this.#lateFrom.add(h.from);
          else this.#lateFrom.delete(h.from);
          break;
        }
        case 'unstable':
          this.#notices.partnerUnstable(h.participant.id, h.participant.name);
          break;
        case 'steady':
          this.#notices.partnerSteady(h.participant.id);
          break;
        case 'joined':
          this.#arrive(h.participant);
          this.#notices.say(`${h.participant.name} joined`);
          break;
        case 'left':
          this.#speech.flush(h.participant.id);
          this.#notices.partnerSteady(h.participant.id);
          this.#lateFrom.delete(h.participant.id);
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
    this.#update();
  }

  /** A passing notice, e.g. about text that could not be sent. */
  say(sentence: string): void {
    this.#notices.say(sentence);
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
    this.#speech.clear();
    this.element.remove();
  }

  #arrive(p: ParticipantInfo): void {
    this.#present.set(p.id, p.name);
    this.#othersEver = true;
    this.#board.ensureLane(p.id, p.name);
  }

  #update(): void {
    this.#notices.setPresent(this.#present.size, this.#othersEver);
    // Two people need no count; a group does ("3 of 5 here").
    this.#headcount.hidden = this.#capacity === 2;
    this.#headcount.textContent = this.#capacity === 2 ? '' : `${this.#present.size + 1} of ${this.#capacity} here`;
  }
}

function removedNotice(removed: number): string {
  const what = removed === 1 ? '1 character' : `${removed} characters`;
  return `${what} that can't be sent (control or direction characters, or stacked marks) left out`;
}
