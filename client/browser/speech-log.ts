import type { Io, TimerHandle } from '../core/io.js';
import { el } from './dom.js';
import { FADE_MS, LINGER_MS } from './lane-board.js';

/** A phrase is announced once its speaker pauses this long: after a word or two, not per keystroke. */
export const PHRASE_PAUSE_MS = 1200;
/**
 * An announced line leaves the log after as long as text stays on screen: screen readers
 * queue it on arrival, and the page keeps no more of the conversation than it shows.
 */
export const SPOKEN_LINE_MS = LINGER_MS + FADE_MS;
/** Past this many characters a phrase is announced at the next space, so a long paste is read in parts. */
export const PHRASE_MAX_CHARS = 200;

// Sentence ends and line breaks close a phrase at once.
const PHRASE_END = /[.!?…。！？\n]\s*$/u;

interface Phrase {
  name: string;
  text: string;
  timer: TimerHandle;
}

/**
 * What a screen reader hears of the conversation: a visually hidden `role=log` (polite)
 * that gets one line per phrase of each speaker, "Bo: see you at six", at phrase
 * boundaries. Lines leave the DOM after SPOKEN_LINE_MS, like everything else here.
 */
export class SpeechLog {
  readonly element: HTMLElement;
  readonly #phrases = new Map<string, Phrase>();
  readonly #lines = new Map<HTMLElement, TimerHandle>();
  readonly #doc: Document;
  readonly #timers: Pick<Io, 'setTimeout' | 'clearTimeout'>;

  constructor(doc: Document, timers: Pick<Io, 'setTimeout' | 'clearTimeout'>) {
    this.#doc = doc;
    this.#timers = timers;
    this.element = el(doc, 'div', 'speech-log visually-hidden');
    this.element.setAttribute('role', 'log');
    this.element.setAttribute('aria-live', 'polite');
    this.element.setAttribute('aria-label', 'Conversation');
  }

  /** Text from `speaker` as it arrives; it is announced when the phrase ends. */
  heard(speaker: string, name: string, text: string): void {
    const phrase = this.#phrases.get(speaker);
    if (phrase) this.#timers.clearTimeout(phrase.timer);
    const next: Phrase = {
      name,
      text: (phrase?.text ?? '') + text,
      timer: this.#timers.setTimeout(() => this.flush(speaker), PHRASE_PAUSE_MS),
    };
    this.#phrases.set(speaker, next);
    if (PHRASE_END.test(next.text) || (next.text.length > PHRASE_MAX_CHARS && /\s$/u.test(next.text))) this.flush(speaker);
  }

  /** Announces what `speaker` has said so far (they paused, or left). */
  flush(speaker: string): void {
    const phrase = this.#phrases.get(speaker);
    if (!phrase) return;
    this.#timers.clearTimeout(phrase.timer);
    this.#phrases.delete(speaker);
    const said = phrase.text.replace(/\s+/gu, ' ').trim();
    if (said !== '') this.say(`${phrase.name}: ${said}`);
  }

  /** A line announced at once (a notice: "Bo joined"). */
  say(sentence: string): void {
    const line = el(this.#doc, 'p', 'spoken', sentence);
    this.element.append(line);
    this.#lines.set(
      line,
      this.#timers.setTimeout(() => {
        this.#lines.delete(line);
        line.remove();
      }, SPOKEN_LINE_MS),
    );
  }

  clear(): void {
    for (const phrase of this.#phrases.values()) this.#timers.clearTimeout(phrase.timer);
    this.#phrases.clear();
    for (const timer of this.#lines.values()) this.#timers.clearTimeout(timer);
    this.#lines.clear();
    this.element.remove();
  }
}
