import { describe, expect, it } from 'vitest';
import type { JoinResponse } from '../../server/protocol.js';
import { ApiClient } from '../../client/core/api-client.js';
import { FADE_MS, LINGER_MS } from '../../client/core/display-timing.js';
import { Session } from '../../client/core/session.js';
import type { TerminalPort } from '../../client/terminal/node-terminal.js';
import { LEAVE_WAIT_MS, TerminalChat } from '../../client/terminal/terminal-chat.js';
import { FakeIo, flush } from '../client/fake-io.js';
import { stripAnsi } from './strip-ansi.js';

class FakeTerminal implements TerminalPort {
  columns = 60;
  rows = 12;
  entered = false;
  restored = 0;
  frames: string[] = [];
  keyListeners = new Set<(chunk: string) => void>();
  resizeListeners = new Set<() => void>();
  size = () => ({ columns: this.columns, rows: this.rows });
  write = (text: string) => {
    this.frames.push(text);
  };
  onKeys = (listener: (chunk: string) => void) => {
    this.keyListeners.add(listener);
    return () => this.keyListeners.delete(listener);
  };
  onResize = (listener: () => void) => {
    this.resizeListeners.add(listener);
    return () => this.resizeListeners.delete(listener);
  };
  enter = () => {
    this.entered = true;
  };
  restore = () => {
    if (this.entered) this.restored += 1;
    this.entered = false;
  };
  press(chunk: string): void {
    for (const listener of this.keyListeners) listener(chunk);
  }
  /** The last frame as the reader sees it. */
  screen(): string {
    return stripAnsi(this.frames.at(-1) ?? '');
  }
}

const join: JoinResponse = {
  host: 'p1',
  participant: 'p1',
  token: 't1',
  name: 'Ann',
  cursor: 'e.0',
  ttlMs: 10_000,
  holdMs: 25_000,
  capacity: 2,
  participants: [
    { id: 'p1', name: 'Ann' },
    { id: 'p2', name: 'Bo' },
  ],
};

async function setup() {
  const io = new FakeIo();
  const api = new ApiClient(io, 'http://chat.test');
  const session = new Session(api, 'r');
  const joined = session.join('Ann');
  await flush();
  io.only('/join').respond(201, join);
  await joined;
  const terminal = new FakeTerminal();
  const chat = new TerminalChat({ io, api, session, join, terminal, roomUrl: 'http://chat.test/r' });
  chat.start();
  await flush();
  return { io, terminal, chat };
}

function textEvent(id: string, text: string) {
  return { id, type: 'text', from: 'p2', name: 'Bo', text, at: 0, expiresAt: 2_000_000 };
}

describe('TerminalChat', () => {
  it('enters the terminal and shows the room with the others already in it', async () => {
    const { terminal, io } = await setup();
    expect(terminal.entered).toBe(true);
    expect(terminal.screen()).toContain('Bo');
    expect(terminal.screen()).toContain('Ann (you)');
    expect(terminal.screen()).toContain('● connected');
    expect(io.open('/poll')).toHaveLength(1);
  });

  it('sends every key as typed and shows it in your lane', async () => {
    const { terminal, io } = await setup();
    terminal.press('h');
    await flush();
    expect(io.only('/send').body).toEqual({ text: 'h', seq: 1, gaps: [0] });
    terminal.press('i\r\u007f');
    expect(terminal.screen()).toContain('Ann (you)\n  hi\n');
    io.only('/send').respond(200, { id: 'e.2' });
    await flush();
    expect(io.only('/send').body).toEqual({ text: 'i\n', seq: 2, gaps: [0, 0] });
  });

  it("shows others' text, then redraws it away on its own once it has faded", async () => {
    const { terminal, io } = await setup();
    io.only('/poll').respond(200, { events: [textEvent('e.1', 'psst')], cursor: 'e.1' });
    await flush();
    expect(terminal.screen()).toContain('psst');
    const frames = terminal.frames.length;
    await io.advance(LINGER_MS + FADE_MS);
    expect(terminal.frames.length).toBeGreaterThan(frames);
    expect(terminal.screen()).not.toContain('psst');
  });

  it("replays others' text at the cadence it was typed", async () => {
    const { terminal, io } = await setup();
    io.only('/poll').respond(200, { events: [{ ...textEvent('e.1', 'hey'), gaps: [0, 150, 150] }], cursor: 'e.1' });
    await flush();
    expect(terminal.screen()).toContain('\n  h\n');
    await io.advance(150);
    expect(terminal.screen()).toContain('\n  he\n');
    await io.advance(150);
    expect(terminal.screen()).toContain('\n  hey\n');
  });

  it('redraws at the new size on resize', async () => {
    const { terminal } = await setup();
    terminal.rows = 7;
    for (const listener of terminal.resizeListeners) listener();
    expect(terminal.frames.at(-1)!.split('\r\n')).toHaveLength(7);
  });

  it('on Ctrl-C leaves the room, restores the terminal and releases every timer and listener', async () => {
    const { terminal, io, chat } = await setup();
    io.only('/poll').respond(200, { events: [textEvent('e.1', 'x')], cursor: 'e.1' });
    await flush();
    terminal.press('\u0003');
    await flush();
    expect(terminal.restored).toBe(1);
    expect(io.open('/poll')).toHaveLength(0);
    const leave = io.only('/leave');
    expect(leave.headers.authorization).toBe('Bearer t1');
    leave.respond(204);
    expect(await chat.done).toBe('left');
    expect(io.pendingTimers).toBe(0);
    expect(terminal.keyListeners.size + terminal.resizeListeners.size).toBe(0);
    expect(chat.state).toBe('closed');
  });

  it('gives up waiting for a leave after LEAVE_WAIT_MS', async () => {
    const { io, chat } = await setup();
    const quitting = chat.quit();
    await flush();
    expect(io.open('/leave')).toHaveLength(1);
    await io.advance(LEAVE_WAIT_MS);
    expect(await quitting).toBe('left');
    // The unanswered leave's own 15 s timeout is ApiClient's; nothing of the chat's is left.
    await io.advance(20_000);
    expect(io.pendingTimers).toBe(0);
  });

  it('quits once however many paths ask (a key, a signal, a crash)', async () => {
    const { terminal, io, chat } = await setup();
    void chat.quit();
    void chat.quit();
    terminal.press('\u0003');
    await flush();
    expect(io.open('/leave')).toHaveLength(1);
    expect(terminal.restored).toBe(1);
  });

  it('says the chat vanished, keeps fading what is shown, and quits on any key without a leave', async () => {
    const { terminal, io, chat } = await setup();
    io.only('/poll').respond(200, { events: [textEvent('e.1', 'last words')], cursor: 'e.1' });
    await flush();
    io.only('/poll').respond(404, { error: 'No such room.' });
    await flush();
    expect(chat.state).toBe('ended');
    expect(terminal.screen()).toContain('this chat has vanished');
    await io.advance(LINGER_MS + FADE_MS);
    expect(terminal.screen()).not.toContain('last words');
    terminal.press('q');
    expect(await chat.done).toBe('vanished');
    expect(io.open('/leave')).toHaveLength(0);
    expect(io.open('/send')).toHaveLength(0);
    expect(terminal.restored).toBe(1);
    expect(io.pendingTimers).toBe(0);
  });

  it('shows reconnecting while polls fail, and connected again after', async () => {
    const { terminal, io } = await setup();
    io.only('/poll').fail();
    await flush();
    expect(terminal.screen()).toContain('reconnecting…');
    await io.advance(1000);
    io.only('/poll').respond(200, { events: [], cursor: 'e.0' });
    await flush();
    expect(terminal.screen()).toContain('● connected');
  });
});
