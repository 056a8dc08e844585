import type { ChatEvent } from '../../server/protocol.js';
import { ImageClient, type ImageIo } from '../core/image-client.js';
import { reencodeImage } from './image-encoder.js';
import { ImageLane } from './image-lane.js';
import { ImagePicker } from './image-picker.js';
import { SELF } from './lane-board.js';

export interface ImageShareOptions {
  doc: Document;
  io: ImageIo;
  room: string;
  /** The session: its current token (it may change when the seat is renewed). */
  seat: { token(): string };
  isOwn(participant: string): boolean;
  ownName: string;
  /** The room's MESSAGE_TTL_MS: a picture is on screen as long as the server keeps it. */
  ttlMs: number;
  reducedMotion: boolean;
  /** The lane of a participant (SELF for yours), made if needed. */
  laneOf(participant: string, name: string): HTMLElement | undefined;
}

type UploadState = 'idle' | 'sending' | 'stopped';

/** Sharing pictures in a conversation: pick, re-encode, upload, and show everyone's (docs/protocol.md, "Images"). */
export class ImageShare {
  readonly element: HTMLElement;
  readonly #options: ImageShareOptions;
  readonly #client: ImageClient;
  readonly #picker: ImagePicker;
  readonly #lane: ImageLane;
  // image id -> expiresAt: a reset poll may repeat an event; pruned as they expire.
  readonly #seen = new Map<string, number>();
  #state: UploadState = 'idle';

  constructor(options: ImageShareOptions) {
    this.#options = options;
    this.#client = new ImageClient(options.io);
    const win = options.doc.defaultView;
    this.#lane = new ImageLane({
      doc: options.doc,
      timers: options.io,
      urls: { createObjectURL: (blob) => win!.URL.createObjectURL(blob), revokeObjectURL: (url) => win!.URL.revokeObjectURL(url) },
      reducedMotion: options.reducedMotion,
    });
    this.#picker = new ImagePicker({ doc: options.doc, onPick: (file) => void this.#share(file) });
    this.element = this.#picker.element;
  }

  /** Fetches and shows the others' new pictures among `events` (yours showed when you shared them). */
  show(events: ChatEvent[]): void {
    const now = this.#options.io.now();
    for (const [id, expiresAt] of this.#seen) if (expiresAt <= now) this.#seen.delete(id);
    for (const event of events) {
      const image = event.image;
      if (event.type !== 'image' || image === undefined || this.#seen.has(image.id) || this.#options.isOwn(event.from)) continue;
      this.#seen.set(image.id, event.expiresAt);
      void this.#fetch(event.from, event.name, image.id, Math.min(this.#options.ttlMs, event.expiresAt - event.at));
    }
  }

  stop(): void {
    this.#state = 'stopped';
    this.#picker.destroy();
    this.#lane.clear();
  }

  // A method, not a comparison: the state changes while an await is pending.
  #stopped(): boolean {
    return this.#state === 'stopped';
  }

  async #fetch(from: string, name: string, id: string, lifeMs: number): Promise<void> {
    const started = this.#options.io.now();
    const result = await this.#client.fetch(this.#options.room, this.#options.seat.token(), id);
    // A picture that vanished on the way (404), or a page that left meanwhile, shows nothing.
    if (!result.ok || this.#stopped()) return;
    const lane = this.#options.laneOf(from, name);
    const left = lifeMs - (this.#options.io.now() - started);
    if (lane && left > 0) this.#lane.show(lane, name, result.body, left);
  }

  async #share(file: Blob): Promise<void> {
    if (this.#state !== 'idle') return;
    this.#state = 'sending';
    this.#picker.status('Sharing your image…');
    try {
      const image = await reencodeImage(this.#options.doc, file);
      // The page may have left the conversation while the picture was being drawn: its seat is gone.
      if (this.#stopped()) return;
      if (!image) return this.#picker.status('That picture could not be read, or stays too large even made smaller.');
      const result = await this.#client.upload(this.#options.room, this.#options.seat.token(), image, 'image/jpeg');
      if (this.#stopped()) return;
      if (!result.ok) return this.#picker.status(result.error);
      this.#picker.status('');
      const lane = this.#options.laneOf(SELF, this.#options.ownName);
      if (lane) this.#lane.show(lane, this.#options.ownName, image, Math.min(this.#options.ttlMs, result.body.expiresAt - this.#options.io.now()));
    } finally {
      if (this.#state === 'sending') this.#state = 'idle';
    }
  }
}
