import type { Io, TimerHandle } from '../core/io.js';
import { el } from './dom.js';
import { FADE_MS } from './lane-board.js';

export interface ImageLaneOptions {
  doc: Document;
  timers: Pick<Io, 'setTimeout' | 'clearTimeout'>;
  /** URL.createObjectURL and URL.revokeObjectURL: a seam for tests. */
  urls: { createObjectURL(blob: Blob): string; revokeObjectURL(url: string): void };
  reducedMotion: boolean;
}

interface Shown {
  figure: HTMLElement;
  url: string;
  timers: TimerHandle[];
}

/**
 * Pictures on screen. Each is an `<img>` on a `blob:` URL in its sender's lane; it fades
 * like text and, when its time is up, leaves the DOM and its object URL is revoked, so
 * the bytes are gone from the page too. Never a network URL: nothing for a cache to keep.
 */
export class ImageLane {
  readonly #options: ImageLaneOptions;
  readonly #shown = new Set<Shown>();

  constructor(options: ImageLaneOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#shown.size;
  }

  /** Shows `blob` in `lane` for `lifeMs` (its fade included), described as "<name> shared an image". */
  show(lane: HTMLElement, name: string, blob: Blob, lifeMs: number): void {
    const { doc, timers, urls, reducedMotion } = this.#options;
    const url = urls.createObjectURL(blob);
    const figure = el(doc, 'figure', 'shared-image');
    const img = el(doc, 'img', 'shared-image-img');
    img.alt = `${name} shared an image`;
    img.src = url;
    figure.append(img);
    lane.append(figure);
    const shown: Shown = { figure, url, timers: [] };
    if (!reducedMotion) shown.timers.push(timers.setTimeout(() => figure.classList.add('fading'), Math.max(0, lifeMs - FADE_MS)));
    shown.timers.push(timers.setTimeout(() => this.#drop(shown), lifeMs));
    this.#shown.add(shown);
  }

  /** Drops every picture at once: the page is leaving the conversation. */
  clear(): void {
    for (const shown of [...this.#shown]) this.#drop(shown);
  }

  #drop(shown: Shown): void {
    for (const timer of shown.timers) this.#options.timers.clearTimeout(timer);
    shown.figure.remove();
    this.#options.urls.revokeObjectURL(shown.url);
    this.#shown.delete(shown);
  }
}
