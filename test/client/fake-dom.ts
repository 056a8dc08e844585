/**
 * Just enough of the DOM for the display classes, which only create elements, set
 * classes and textContent, append and remove. Real-browser behaviour is covered by
 * the end-to-end suite; this lets fade timing run on a fake clock in milliseconds.
 */
export class FakeElement {
  readonly tagName: string;
  children: FakeElement[] = [];
  parent: FakeElement | undefined;
  hidden = false;
  value = '';
  #text = '';
  readonly #classes = new Set<string>();
  readonly #attributes = new Map<string, string>();
  readonly #listeners = new Map<string, ((event: unknown) => void)[]>();

  constructor(tagName: string) {
    this.tagName = tagName.toUpperCase();
  }

  readonly classList = {
    add: (...names: string[]) => names.forEach((n) => this.#classes.add(n)),
    remove: (...names: string[]) => names.forEach((n) => this.#classes.delete(n)),
    contains: (name: string) => this.#classes.has(name),
  };

  get className(): string {
    return [...this.#classes].join(' ');
  }

  set className(value: string) {
    this.#classes.clear();
    for (const name of value.split(/\s+/)) if (name) this.#classes.add(name);
  }

  get textContent(): string {
    return this.#text + this.children.map((c) => c.textContent).join('');
  }

  set textContent(value: string) {
    for (const child of this.children) child.parent = undefined;
    this.children = [];
    this.#text = value;
  }

  append(...nodes: FakeElement[]): void {
    for (const node of nodes) {
      node.remove();
      node.parent = this;
      this.children.push(node);
    }
  }

  remove(): void {
    if (!this.parent) return;
    this.parent.children = this.parent.children.filter((c) => c !== this);
    this.parent = undefined;
  }

  setAttribute(name: string, value: string): void {
    this.#attributes.set(name, value);
  }

  getAttribute(name: string): string | null {
    return this.#attributes.get(name) ?? null;
  }

  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  dispatch(type: string, event: Record<string, unknown> = {}): { defaultPrevented: boolean } {
    const result = { defaultPrevented: false };
    const full = { ...event, preventDefault: () => (result.defaultPrevented = true) };
    for (const listener of this.#listeners.get(type) ?? []) listener(full);
    return result;
  }

  focus(): void {}

  /** Every descendant carrying `className`, in document order. */
  findAll(className: string): FakeElement[] {
    const found: FakeElement[] = [];
    for (const child of this.children) {
      if (child.classList.contains(className)) found.push(child);
      found.push(...child.findAll(className));
    }
    return found;
  }

  find(className: string): FakeElement {
    const first = this.findAll(className)[0];
    if (!first) throw new Error(`no .${className}`);
    return first;
  }
}

export const fakeDocument = {
  createElement: (tag: string) => new FakeElement(tag),
} as unknown as Document;

export function asFake(element: HTMLElement): FakeElement {
  return element as unknown as FakeElement;
}
