import { el } from './dom.js';

/** The page for a room that is gone; the server renders the same words for a direct visit. */
export function vanishedView(doc: Document): HTMLElement {
  return endView(doc, 'vanished', 'This chat has vanished', 'Chats disappear when everyone has left for a while.');
}

/** Shown instead of the chat when every seat is taken. */
export function fullView(doc: Document): HTMLElement {
  return endView(doc, 'full', 'This chat is full', 'Every seat in this room is taken. Start your own and send the link to a friend.');
}

function endView(doc: Document, kind: string, title: string, explanation: string): HTMLElement {
  const box = el(doc, 'div', `end-view ${kind}`);
  const link = el(doc, 'a', 'new-chat', 'Start a new chat');
  link.href = '/';
  const heading = el(doc, 'h1', 'title', title);
  // Focusable by script only: the page moves focus here when the chat ends.
  heading.tabIndex = -1;
  box.append(heading, el(doc, 'p', 'lede', explanation), link);
  return box;
}
