import { NAME_MAX_CHARS } from '../../server/protocol.js';
import { el } from './dom.js';

/**
 * Asks for your name inline (never window.prompt, which phones render badly and
 * some browsers suppress), prefilled so returning is one tap.
 */
export class NameForm {
  readonly element: HTMLFormElement;
  readonly #input: HTMLInputElement;
  readonly #button: HTMLButtonElement;
  readonly #error: HTMLElement;

  constructor(doc: Document, prefill: string, onName: (name: string) => void) {
    const form = el(doc, 'form', 'name-form');
    form.noValidate = true;
    const label = el(doc, 'label', 'name-label', 'Your name');
    label.htmlFor = 'name';
    const input = el(doc, 'input', 'name-input');
    input.id = 'name';
    input.name = 'name';
    input.maxLength = NAME_MAX_CHARS;
    input.setAttribute('autocomplete', 'nickname');
    input.value = prefill;
    const button = el(doc, 'button', 'join', 'Join the chat');
    button.type = 'submit';
    const error = el(doc, 'p', 'form-error');
    error.setAttribute('role', 'alert');
    form.append(el(doc, 'h1', 'title', 'Phantachat'), el(doc, 'p', 'lede', 'Live typing that vanishes as you read it.'), label, input, button, error);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const name = input.value.trim();
      if (name === '') return this.showError('Type a name first.');
      this.busy(true);
      onName(name);
    });
    this.element = form;
    this.#input = input;
    this.#button = button;
    this.#error = error;
  }

  focus(): void {
    this.#input.focus();
    this.#input.select();
  }

  busy(busy: boolean): void {
    this.#button.disabled = busy;
    if (busy) this.#error.textContent = '';
  }

  showError(sentence: string): void {
    this.busy(false);
    this.#error.textContent = sentence;
  }
}
