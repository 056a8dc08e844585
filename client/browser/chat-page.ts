import type { JoinResponse } from '../../server/protocol.js';
import { ApiClient } from '../core/api-client.js';
import { EventFeed } from '../core/event-feed.js';
import type { ImageIo } from '../core/image-client.js';
import { Poller, type ConnectionState } from '../core/poller.js';
import { Sender } from '../core/sender.js';
import { Session } from '../core/session.js';
import { TypingReplay } from '../core/typing-replay.js';
import { ChatView } from './chat-view.js';
import { ImageShare } from './image-share.js';
import { fullView, vanishedView } from './end-views.js';
import { GROUP_MIN_SEATS, groupForm } from './group-form.js';
import { NameForm } from './name-form.js';
import { rememberName, rememberedName } from './name-memory.js';

export interface PageEnv {
  win: Window;
  io: ImageIo;
}

/**
 * The chat page at /<room>: ask for a name, join, then run the conversation until the
 * page goes away or the room does. The server already answered 404 for unknown rooms,
 * but a room can vanish or fill up between that answer and the join.
 */
export async function startChatPage(env: PageEnv): Promise<void> {
  const { win, io } = env;
  const doc = win.document;
  const root = doc.getElementById('app') ?? doc.body;
  const show = (node: HTMLElement): void => {
    root.replaceChildren(node);
    // An end view takes the focus, so a screen reader lands on "This chat is full", not on the body.
    if (node.classList.contains('end-view')) node.querySelector<HTMLElement>('h1')?.focus();
  };
  const room = decodeURIComponent(win.location.pathname.slice(1));
  const maxSeats = Number(root.dataset.maxSeats ?? '2');
  const api = new ApiClient(io);

  const info = await api.getRoom(room);
  if (!info.ok && info.kind === 'http' && info.status === 404) return show(vanishedView(doc));
  if (info.ok && info.body.full) return show(fullView(doc));

  const storage = safeStorage(win);
  const form = new NameForm(doc, rememberedName(storage), (name) => {
    const session = new Session(api, room);
    void session.join(name).then((outcome) => {
      switch (outcome.kind) {
        case 'joined':
          rememberName(storage, outcome.join.name);
          return runConversation(env, api, session, outcome.join, show);
        case 'full':
          return show(fullView(doc));
        case 'vanished':
          return show(vanishedView(doc));
        case 'invalid-name':
          return form.showError(outcome.error);
        case 'failed':
          return form.showError('Could not reach Phantachat. Check your connection and try again.');
      }
    });
  });
  // Whoever is alone in a fresh two-seat room (they just opened `/`) may turn it into a group.
  const offerGroup = info.ok && info.body.capacity === 2 && info.body.seatsTaken === 0 && maxSeats >= GROUP_MIN_SEATS;
  if (offerGroup) {
    const both = doc.createElement('div');
    both.className = 'start';
    both.append(form.element, groupForm(doc, maxSeats));
    show(both);
  } else {
    show(form.element);
  }
  form.focus();
}

function runConversation(env: PageEnv, api: ApiClient, session: Session, join: JoinResponse, show: (node: HTMLElement) => void): void {
  const { win, io } = env;
  const doc = win.document;
  const room = session.room;
  let ended = false;
  let pollerState: ConnectionState = 'connected';
  let senderStalled = false;
  const feed = new EventFeed((id) => session.isOwn(id));
  const replay = new TypingReplay(io, (happenings) => view.show(happenings));
  const view = new ChatView({
    doc,
    timers: io,
    ownName: join.name,
    roomUrl: `${win.location.origin}/${room}`,
    capacity: join.capacity,
    reducedMotion: win.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false,
    copy: (text) => win.navigator.clipboard?.writeText(text).then(() => true, () => false) ?? Promise.resolve(false),
    onType: (text) => sender.push(text),
  });
  const showConnection = (): void => view.connection(pollerState === 'connected' && !senderStalled ? 'connected' : 'reconnecting');
  const sender = new Sender({
    io,
    api,
    seat: session,
    room,
    onEnd: (reason) => end(reason),
    onStale: (chars) => view.say(`${chars} ${chars === 1 ? 'character' : 'characters'} typed while the connection was down ${chars === 1 ? 'was' : 'were'} not sent: they would arrive too late`),
    onRefused: (chars) => view.say(`The server refused ${chars} characters you typed; the others did not get them`),
    onBacklog: (stalled) => {
      senderStalled = stalled;
      showConnection();
    },
  });
  const poller = new Poller({
    io,
    api,
    seat: session,
    room,
    cursor: join.cursor,
    holdMs: join.holdMs,
    onEvents: (events) => {
      replay.apply(feed.apply(events, io.now()));
      images.show(events);
    },
    onConnection: (state) => {
      pollerState = state;
      showConnection();
    },
    onEnd: (reason) => end(reason),
  });

  const images = new ImageShare({
    doc,
    io,
    room,
    seat: session,
    isOwn: (id) => session.isOwn(id),
    ownName: join.name,
    ttlMs: join.ttlMs,
    reducedMotion: win.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false,
    laneOf: (id, name) => view.laneElement(id, name),
  });
  view.element.append(images.element);

  const postPresence = (): void => {
    if (ended) return;
    // A lost seat (401) is the poller's to repair; presence is best effort.
    void api.presence(room, session.token(), doc.visibilityState === 'hidden' ? 'away' : 'here');
  };
  const leave = (): void => {
    if (ended) return;
    const beacon = api.leaveBeacon(room, session.token());
    // sendBeacon survives the page unloading, where a fetch would be cancelled.
    win.navigator.sendBeacon?.(beacon.url, beacon.body);
    stop();
  };
  const returnFromCache = (event: PageTransitionEvent): void => {
    // Restored from the back-forward cache after we left: the seat is gone, start afresh.
    if (event.persisted) win.location.reload();
  };
  const focusOnTap = (event: MouseEvent): void => {
    const target = event.target as Element | null;
    if (target?.closest?.('a, button, input, textarea, select')) return;
    view.focusInput();
  };

  function stop(): void {
    ended = true;
    poller.stop();
    sender.stop();
    replay.clear();
    images.stop();
    session.end();
    doc.removeEventListener('visibilitychange', postPresence);
    doc.removeEventListener('click', focusOnTap);
  }
  function end(reason: 'full' | 'vanished'): void {
    if (ended) return;
    stop();
    view.destroy();
    show(reason === 'full' ? fullView(doc) : vanishedView(doc));
  }

  doc.addEventListener('visibilitychange', postPresence);
  doc.addEventListener('click', focusOnTap);
  win.addEventListener('pagehide', leave);
  win.addEventListener('pageshow', returnFromCache);

  view.seed(feed.seed(join.participants));
  show(view.element);
  view.focusInput();
  if (doc.visibilityState === 'hidden') postPresence();
  poller.start();
}

function safeStorage(win: Window): Storage | undefined {
  try {
    return win.localStorage;
  } catch {
    return undefined;
  }
}
