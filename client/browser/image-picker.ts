import { el } from './dom.js';

export interface ImagePickerOptions {
  doc: Document;
  /** A picture the user picked, pasted or dropped (still the original: re-encode it before upload). */
  onPick(file: Blob): void;
}

/**
 * The ways to share a picture: a visible, keyboard-reachable button (on phones its
 * file input offers the camera and the photo library), pasting, and dropping a file on
 * the page. Also says, politely, how the last upload went.
 */
export class ImagePicker {
  readonly element: HTMLElement;
  readonly #status: HTMLElement;
  readonly #doc: Document;
  readonly #onPick: (file: Blob) => void;
  readonly #paste = (event: ClipboardEvent): void => this.#take(event, event.clipboardData);
  readonly #dragOver = (event: DragEvent): void => {
    if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
  };
  readonly #drop = (event: DragEvent): void => this.#take(event, event.dataTransfer);

  constructor({ doc, onPick }: ImagePickerOptions) {
    this.#doc = doc;
    this.#onPick = onPick;
    this.element = el(doc, 'div', 'image-picker');
    const input = el(doc, 'input', 'image-file');
    input.type = 'file';
    input.accept = 'image/*';
    input.hidden = true;
    input.tabIndex = -1;
    const button = el(doc, 'button', 'share-image', 'Share an image');
    button.type = 'button';
    button.setAttribute('aria-label', 'Share an image: it vanishes like text. You can also paste or drop one.');
    button.addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      input.value = '';
      if (file) this.#onPick(file);
    });
    this.#status = el(doc, 'p', 'image-status');
    this.#status.setAttribute('aria-live', 'polite');
    this.element.append(button, input, this.#status);
    doc.addEventListener('paste', this.#paste);
    doc.addEventListener('dragover', this.#dragOver);
    doc.addEventListener('drop', this.#drop);
  }

  /** A short sentence next to the button (an upload refused, say); '' clears it. */
  status(text: string): void {
    this.#status.textContent = text;
  }

  destroy(): void {
    this.#doc.removeEventListener('paste', this.#paste);
    this.#doc.removeEventListener('dragover', this.#dragOver);
    this.#doc.removeEventListener('drop', this.#drop);
    this.element.remove();
  }

  #take(event: Event, data: DataTransfer | null): void {
    const file = [...(data?.files ?? [])].find((f) => f.type.startsWith('image/'));
    if (!file) return; // text is typing: the typing field takes it
    event.preventDefault();
    this.#onPick(file);
  }
}
