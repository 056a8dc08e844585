import type { ChatEvent, JoinResponse, PollResponse, RoomResponse } from '../../server/protocol.js';

/** Someone in the room over plain HTTP, as curl would be: joins, polls in a loop, sends. */
export class HttpParticipant {
  readonly events: ChatEvent[] = [];
  #join!: JoinResponse;
  #running = false;
  #controller = new AbortController();
  #loop: Promise<void> | undefined;
  readonly #base: string;

  constructor(base: string, readonly room: string) {
    this.#base = base;
  }

  get id(): string {
    return this.#join.participant;
  }

  async join(name: string): Promise<void> {
    const response = await fetch(`${this.#base}/rooms/${this.room}/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    if (response.status !== 201) throw new Error(`join answered ${response.status}`);
    this.#join = (await response.json()) as JoinResponse;
    this.#running = true;
    this.#loop = this.#poll(this.#join.cursor);
  }

  /** Text from everyone else, in order. */
  textFrom(participant: string): string {
    return this.events.filter((e) => e.type === 'text' && e.from === participant).map((e) => e.text).join('');
  }

  /** Who is seated, as a participant sees the room (a stranger learns only the seat count). */
  async seatedNames(): Promise<string[]> {
    const response = await fetch(`${this.#base}/rooms/${this.room}`, { headers: { authorization: `Bearer ${this.#join.token}` } });
    const room = (await response.json()) as RoomResponse;
    return (room.participants ?? []).map((p) => p.name);
  }

  async send(text: string): Promise<void> {
    const response = await fetch(`${this.#base}/rooms/${this.room}/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.#join.token}`, 'content-type': 'text/plain' },
      body: text,
    });
    if (response.status !== 200) throw new Error(`send answered ${response.status}`);
  }

  /** The text of every event still live on the server, read from the oldest. */
  async liveTexts(): Promise<string[]> {
    const response = await fetch(`${this.#base}/rooms/${this.room}/poll?wait=0`, { headers: { authorization: `Bearer ${this.#join.token}` } });
    const body = (await response.json()) as PollResponse;
    return body.events.flatMap((e) => (e.type === 'text' && e.text !== undefined ? [e.text] : []));
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#controller.abort();
    await this.#loop?.catch(() => undefined);
  }

  async #poll(start: string): Promise<void> {
    let cursor = start;
    while (this.#running) {
      // 1 s holds: the loop notices stop() quickly and the presence lease never lapses.
      const response = await fetch(`${this.#base}/rooms/${this.room}/poll?cursor=${encodeURIComponent(cursor)}&wait=1000`, {
        headers: { authorization: `Bearer ${this.#join.token}` },
        signal: this.#controller.signal,
      });
      if (response.status !== 200) throw new Error(`poll answered ${response.status}`);
      const body = (await response.json()) as PollResponse;
      this.events.push(...body.events);
      cursor = body.cursor;
    }
  }
}
