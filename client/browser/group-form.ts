import { el } from './dom.js';

/** The smallest group: two seats is the plain conversation `/` already starts. */
export const GROUP_MIN_SEATS = 3;

/**
 * "Start a group instead": a plain GET form to `/?seats=N`, which makes a fresh room
 * of N seats and redirects there. Offered only to whoever is alone in a new room.
 */
export function groupForm(doc: Document, maxSeats: number): HTMLFormElement {
  const form = el(doc, 'form', 'group-form');
  form.method = 'get';
  form.action = '/';
  const label = el(doc, 'label', 'group-label', 'Or start a group chat for');
  label.htmlFor = 'seats';
  const select = el(doc, 'select', 'group-seats');
  select.id = 'seats';
  select.name = 'seats';
  for (let seats = GROUP_MIN_SEATS; seats <= maxSeats; seats += 1) {
    const option = el(doc, 'option', undefined, `${seats} people`);
    option.value = String(seats);
    select.append(option);
  }
  const button = el(doc, 'button', 'start-group', 'Start a group chat');
  button.type = 'submit';
  form.append(label, select, button);
  return form;
}
