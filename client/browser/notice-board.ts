import { NOTICE_MS } from '../core/display-timing.js';
import type { Io, TimerHandle } from '../core/io.js';
import type { ConnectionState } from '../core/poller.js';
import { el } from './dom.js';

export { NOTICE_MS } from '../core/display-timing.js';

export interface NoticeBoardOptions {
  doc: Document;
  timers: Pick<Io, 'setTimeout' | 'clearTimeout'>;
  roomUrl: string;
  /** Seats in the room: 2 is a conversation with "your friend", more is a group. */
  capacity: number;
  /** Puts the link on the clipboard; resolves false when the browser refuses. */
  copy(text: string): Promise<boolean>;
}

/**
 * Everything the page says about the conversation rather than in it: the invitation
 * while you are alone, who came and went, and the connection state.
 */
export class NoticeBoard {
  readonly element: HTMLElement;
  readonly #waiting: HTMLElement;
  readonly #inviteText: HTMLElement;
  readonly #copyButton: HTMLButtonElement;
  readonly #status: HTMLElement;
  readonly #passing: HTMLElement;
  /** One line per participant whose connection is unstable, until their `steady` (or leave). */
  readonly #partners: HTMLElement;
  readonly #unstable = new Map<string, HTMLElement>();
  readonly #timers = new Set<TimerHandle>();
  readonly #options: NoticeBoardOptions;

  constructor(options: NoticeBoardOptions) {
    const { doc } = options;
    this.#options = options;
    this.element = el(doc, 'div', 'notices');
    this.#inviteText = el(doc, 'p', 'invite-text');
    this.#copyButton = el(doc, 'button', 'copy', 'Copy link');
    this.#waiting = this.#makeInvitation();
    this.#status = el(doc, 'p', 'status');
    this.#status.setAttribute('role', 'status');
    this.#status.hidden = true;
    this.#passing = el(doc, 'ul', 'passing');
    this.#passing.setAttribute('aria-live', 'polite');
    this.#partners = el(doc, 'ul', 'partner-states');
    // Polite: an outage is worth hearing, but not worth cutting off what is being read.
    this.#partners.setAttribute('aria-live', 'polite');
    this.element.append(this.#waiting, this.#status, this.#partners, this.#passing);
  }

  /**
   * The invitation, worded for who is here: while alone in a two-seat room, and while
   * seats are free in a group. `othersEver` tells "not yet" from "not any more".
   */
  setPresent(others: number, othersEver: boolean): void {
    const { capacity } = this.#options;
    const here = others + 1;
    const show = capacity === 2 ? others === 0 : here < capacity;
    if (show && this.#waiting.hidden) this.#copyButton.textContent = 'Copy link';
    this.#waiting.hidden = !show;
    if (!show) return;
    if (capacity === 2) {
      this.#inviteText.textContent = othersEver
        ? 'Nobody else is here now. Send the link to invite someone:'
        : "Your friend hasn't joined yet. Send them this link:";
    } else {
      this.#inviteText.textContent =
        here === 1 ? `Waiting for others (1 of ${capacity} here). Send them this link:` : `${here} of ${capacity} here. Send the others this link:`;
    }
  }

  /** Silent while connected: only trouble is worth a line on screen. */
  connection(state: ConnectionState): void {
    this.#status.hidden = state === 'connected';
    this.#status.textContent = state === 'connected' ? '' : 'Reconnecting…';
  }

  /** Says that `name`'s connection is unstable until `partnerSteady` (or `partnerSteady` at their leave). */
  partnerUnstable(id: string, name: string): void {
    if (this.#unstable.has(id)) return;
    const item = el(this.#options.doc, 'li', 'partner-unstable', `${name}'s connection is unstable`);
    this.#unstable.set(id, item);
    this.#partners.append(item);
  }

  partnerSteady(id: string): void {
    this.#unstable.get(id)?.remove();
    this.#unstable.delete(id);
  }

  /** A sentence that leaves on its own after NOTICE_MS. */
  say(sentence: string): void {
    const item = el(this.#options.doc, 'li', 'notice', sentence);
    this.#passing.append(item);
    const timer = this.#options.timers.setTimeout(() => {
      this.#timers.delete(timer);
      item.remove();
    }, NOTICE_MS);
    this.#timers.add(timer);
  }

  clear(): void {
    for (const timer of this.#timers) this.#options.timers.clearTimeout(timer);
    this.#timers.clear();
    this.element.remove();
  }

  #makeInvitation(): HTMLElement {
    const { doc, roomUrl, copy } = this.#options;
    const box = el(doc, 'div', 'invite');
    const link = el(doc, 'a', 'room-link', roomUrl);
    link.href = roomUrl;
    const button = this.#copyButton;
    button.type = 'button';
    button.addEventListener('click', () => {
      void copy(roomUrl).then((ok) => {
        button.textContent = ok ? 'Copied' : 'Select the link to copy it';
      });
    });
    box.append(this.#inviteText, link, button);
    return box;
  }
}
