import { Agent, fetch as undiciFetch } from 'undici';

// A keystroke every 100 ms: a steady 10 characters a second, a brisk typist.
const KEYSTROKE_INTERVAL_MS = 100;

export interface ChatPeer {
  token: string;
  cursor: string;
  participant: string;
}

/** JSON over one keep-alive pool from 127.0.0.1, the "normal" client's address. */
export class JsonClient {
  private readonly agent = new Agent({ connections: 8, localAddress: '127.0.0.1' } as Agent.Options);

  constructor(private readonly base: string) {}

  async call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
    const res = await undiciFetch(`${this.base}${path}`, {
      method,
      dispatcher: this.agent,
      headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/**
 * The two-person chat that runs beside an attack: Ann types a keystroke every 100 ms, Bob
 * long-polls, and each keystroke's latency is from Ann's send to Bob's poll answer.
 */
export class SideChat {
  readonly latenciesMs: number[] = [];
  failedSends = 0;
  failedPolls = 0;
  private running = false;
  private readonly sentAt = new Map<string, number>();
  private loops: Promise<void>[] = [];

  private constructor(
    private readonly client: JsonClient,
    readonly room: string,
    private readonly ann: ChatPeer,
    private readonly bob: ChatPeer,
  ) {}

  static async open(client: JsonClient, capacity = 2): Promise<SideChat> {
    const created = await client.call('POST', '/rooms', { capacity });
    const room = created.body.room as string;
    const ann = (await client.call('POST', `/rooms/${room}/join`, { name: 'Ann' })).body as ChatPeer;
    const bob = (await client.call('POST', `/rooms/${room}/join`, { name: 'Bob' })).body as ChatPeer;
    return new SideChat(client, room, ann, bob);
  }

  start(): void {
    this.running = true;
    this.loops = [this.typeLoop(), this.pollLoop()];
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async typeLoop(): Promise<void> {
    let seq = 1;
    while (this.running) {
      const next = Date.now() + KEYSTROKE_INTERVAL_MS;
      const text = `k${seq}`;
      this.sentAt.set(text, performance.now());
      try {
        const res = await this.client.call('POST', `/rooms/${this.room}/send`, { text, seq }, this.ann.token);
        if (res.status !== 200) this.failedSends += 1;
      } catch {
        this.failedSends += 1;
      }
      seq += 1;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
    }
  }

  private async pollLoop(): Promise<void> {
    let cursor = this.bob.cursor;
    while (this.running) {
      try {
        const res = await this.client.call('GET', `/rooms/${this.room}/poll?cursor=${encodeURIComponent(cursor)}&wait=2000`, undefined, this.bob.token);
        if (res.status !== 200) {
          this.failedPolls += 1;
          continue;
        }
        const now = performance.now();
        for (const event of res.body.events as Array<{ from: string; text?: string }>) {
          if (event.from !== this.ann.participant || event.text === undefined) continue;
          const sent = this.sentAt.get(event.text);
          if (sent !== undefined) this.latenciesMs.push(now - sent);
          this.sentAt.delete(event.text);
        }
        cursor = res.body.cursor as string;
      } catch {
        this.failedPolls += 1;
      }
    }
  }

  /** The participant seats the attacks may borrow (the flood joins a third seat itself). */
  get tokens(): { ann: string; bob: string } {
    return { ann: this.ann.token, bob: this.bob.token };
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
