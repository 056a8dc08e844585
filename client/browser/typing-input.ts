import { el } from './dom.js';

// Every way of taking text away. The field is emptied after each keystroke anyway,
// so these would find nothing to delete, but an IME or undo stack might disagree.
function removesText(inputType: string): boolean {
  return inputType.startsWith('delete') || inputType === 'historyUndo' || inputType === 'historyRedo';
}

/**
 * The field you type into. It hands over what you typed the moment you type it and
 * then empties itself, so the only copy of your text is the fading one in your lane.
 * Text being composed by an IME stays in the field until the composition ends.
 */
export class TypingInput {
  readonly element: HTMLTextAreaElement;
  #composing = false;
  readonly #onText: (text: string) => void;

  constructor(doc: Document, onText: (text: string) => void) {
    this.#onText = onText;
    const field = el(doc, 'textarea', 'typing');
    field.setAttribute('aria-label', 'Type here. Every character is sent as you type it and vanishes soon after.');
    field.placeholder = 'Type here…';
    field.rows = 1;
    field.autocomplete = 'off';
    field.spellcheck = false;
    field.setAttribute('autocorrect', 'off');
    this.element = field;
    field.addEventListener('beforeinput', (event) => {
      // Composition events cannot be cancelled, and an IME must be free to edit its draft.
      if (removesText(event.inputType) && !event.isComposing && event.inputType !== 'deleteCompositionText') event.preventDefault();
    });
    field.addEventListener('compositionstart', () => {
      this.#composing = true;
    });
    field.addEventListener('compositionend', () => {
      this.#composing = false;
      this.#take();
    });
    field.addEventListener('input', (event) => {
      if (this.#composing || (event as InputEvent).isComposing) return;
      this.#take();
    });
    field.addEventListener('cut', (event) => event.preventDefault());
    field.addEventListener('dragstart', (event) => event.preventDefault());
  }

  focus(): void {
    this.element.focus({ preventScroll: true });
  }

  #take(): void {
    const text = this.element.value;
    if (text === '') return;
    this.element.value = '';
    // All of it, however long: the sender splits a long paste into as many sends as it needs.
    this.#onText(text);
  }
}
