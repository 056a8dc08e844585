import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../server/protocol.js';
import { ChatView } from '../../client/browser/chat-view.js';
import { FADE_MS, LINGER_MS } from '../../client/browser/lane-board.js';
import { NOTICE_MS } from '../../client/browser/notice-board.js';
import { PHRASE_PAUSE_MS } from '../../client/browser/speech-log.js';
import { EventFeed } from '../../client/core/event-feed.js';
import { asFake, fakeDocument } from './fake-dom.js';
import { FakeIo } from './fake-io.js';

function setup(capacity = 2) {
  const io = new FakeIo();
  const typed: string[] = [];
  const view = new ChatView({
    doc: fakeDocument,
    timers: io,
    ownName: 'Ann',
    roomUrl: 'http://x/room',
    capacity,
    reducedMotion: false,
    copy: () => Promise.resolve(true),
    onType: (text) => typed.push(text),
  });
  const feed = new EventFeed((id) => id === 'me');
  const root = asFake(view.element);
  const field = root.find('typing');
  const type = (text: string) => {
    field.value = text;
    field.dispatch('input', { inputType: 'insertText', isComposing: false });
  };
  let n = 0;
  const deliver = (type: ChatEvent['type'], from: string, text?: string) =>
    view.show(feed.apply([{ id: `e.${++n}`, type, from, name: from === 'me' ? 'Ann' : 'Bo', text, at: 0, expiresAt: 9e15 }], io.nowMs));
  return { io, view, feed, root, field, type, typed, deliver };
}

describe('ChatView', () => {
  it('shows your text at once and not again when its echo arrives', () => {
    const { root, type, typed, deliver, view, feed } = setup();
    view.seed(feed.seed([{ id: 'me', name: 'Ann' }, { id: 'bo', name: 'Bo' }]));
    type('hi');
    deliver('text', 'me', 'hi');
    const lanes = root.findAll('lane-text');
    expect(lanes[1]!.textContent).toBe('hi');
    expect(lanes[0]!.textContent).toBe('');
    expect(typed).toEqual(['hi']);
  });

  it('empties the field after each keystroke, so the field never holds your text', () => {
    const { field, type } = setup();
    type('a');
    expect(field.value).toBe('');
  });

  it('waits for the end of an IME composition before sending', () => {
    const { field, typed } = setup();
    field.dispatch('compositionstart');
    field.value = 'に';
    field.dispatch('input', { inputType: 'insertCompositionText', isComposing: true });
    expect(typed).toEqual([]);
    field.value = '日本';
    field.dispatch('compositionend');
    expect(typed).toEqual(['日本']);
  });

  it('cancels every deleting input type', () => {
    const { field } = setup();
    for (const inputType of ['deleteContentBackward', 'deleteContentForward', 'deleteByCut', 'deleteByDrag', 'deleteWordBackward', 'historyUndo']) {
      expect(field.dispatch('beforeinput', { inputType, isComposing: false }).defaultPrevented).toBe(true);
    }
    expect(field.dispatch('beforeinput', { inputType: 'insertText', isComposing: false }).defaultPrevented).toBe(false);
  });

  it('hands over a long paste whole (the sender splits it)', () => {
    const { type, typed } = setup();
    type('p'.repeat(2500));
    expect(typed).toEqual(['p'.repeat(2500)]);
  });

  it('leaves out what cannot be sent, keeps the rest and says so', () => {
    const { root, type, typed } = setup();
    type('ab\u0007c\u202Ed');
    expect(typed).toEqual(['abcd']);
    expect(root.findAll('lane-text')[0]!.textContent).toBe('abcd');
    expect(root.find('passing').textContent).toMatch(/^2 characters that can't be sent/);
  });

  it('shows others\' text without direction overrides', () => {
    const { root, view, deliver } = setup();
    view.seed([{ id: 'bo', name: 'Bo' }]);
    deliver('text', 'bo', '\u202Eabc');
    expect(root.findAll('lane-text')[0]!.textContent).toBe('abc');
  });

  it('tells a screen reader each phrase with its speaker, not each keystroke', async () => {
    const { io, root, view, deliver } = setup();
    view.seed([{ id: 'bo', name: 'Bo' }]);
    for (const ch of 'see you') deliver('text', 'bo', ch);
    const log = root.find('speech-log');
    expect(log.getAttribute('role')).toBe('log');
    expect(log.textContent).toBe('');
    deliver('text', 'bo', '!');
    expect(log.textContent).toBe('Bo: see you!');
    deliver('text', 'bo', 'at six');
    await io.advance(PHRASE_PAUSE_MS);
    expect(log.findAll('spoken').map((n) => n.textContent)).toEqual(['Bo: see you!', 'Bo: at six']);
  });

  it('counts who is here in a group and invites while seats are free', () => {
    const { root, view, deliver } = setup(4);
    view.seed([]);
    expect(root.find('headcount').textContent).toBe('1 of 4 here');
    expect(root.find('invite').textContent).toContain('Waiting for others');
    deliver('join', 'bo');
    expect(root.find('headcount').textContent).toBe('2 of 4 here');
    expect(root.find('invite').textContent).toContain('2 of 4 here. Send the others this link');
    expect(root.find('invite').textContent).not.toContain('friend');
  });

  it('invites a friend while alone and stops once someone joins', () => {
    const { root, view, deliver } = setup();
    view.seed([]);
    expect(root.find('invite').hidden).toBe(false);
    expect(root.find('invite').textContent).toContain("Your friend hasn't joined yet");
    deliver('join', 'bo');
    expect(root.find('invite').hidden).toBe(true);
    expect(root.find('passing').textContent).toBe('Bo joined');
  });

  it('says who tabbed away, who is back and who left', async () => {
    const { io, root, view, feed, deliver } = setup();
    view.seed(feed.seed([{ id: 'bo', name: 'Bo' }]));
    deliver('away', 'bo');
    expect(root.find('lane-note').textContent).toBe("Bo tabbed away and won't see your messages");
    deliver('back', 'bo');
    expect(root.find('lane-note').hidden).toBe(true);
    expect(root.find('passing').textContent).toBe('Bo is back');
    await io.advance(NOTICE_MS);
    deliver('leave', 'bo');
    expect(root.find('passing').textContent).toBe('Bo left the chat');
    expect(root.find('invite').hidden).toBe(false);
    // Not "hasn't joined yet": they came and went.
    expect(root.find('invite').textContent).toContain('Nobody else is here now');
  });

  it('says when it is reconnecting', () => {
    const { root, view } = setup();
    view.connection('reconnecting');
    expect(root.find('status').textContent).toBe('Reconnecting…');
    view.connection('connected');
    expect(root.find('status').hidden).toBe(true);
  });

  it('removes message text from the page after linger and fade', async () => {
    const { io, root, view, type, deliver } = setup();
    view.seed([{ id: 'bo', name: 'Bo' }]);
    type('mine');
    deliver('text', 'bo', 'theirs');
    await io.advance(LINGER_MS + FADE_MS);
    expect(root.find('board').textContent).not.toMatch(/mine|theirs/);
    // The spoken line comes after the phrase pause and stays as long as text stays on screen.
    await io.advance(PHRASE_PAUSE_MS);
    expect(root.textContent).not.toMatch(/mine|theirs/);
    expect(io.pendingTimers).toBe(0);
  });
});
