import { describe, expect, it } from 'vitest';
import { ImagePicker } from '../../client/browser/image-picker.js';
import { asFake, fakeDocument } from './fake-dom.js';

/** fakeDocument plus document-level listeners, counted so a test sees each one released. */
function fakeDoc() {
  const listeners = new Map<string, Set<(event: unknown) => void>>();
  const doc = {
    createElement: fakeDocument.createElement,
    addEventListener: (type: string, listener: (event: unknown) => void) => {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type)!.add(listener);
    },
    removeEventListener: (type: string, listener: (event: unknown) => void) => listeners.get(type)?.delete(listener),
  } as unknown as Document;
  const dispatch = (type: string, data: { files: File[]; types?: string[] }) => {
    const event = { clipboardData: data, dataTransfer: data, defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
    for (const listener of listeners.get(type) ?? []) listener(event);
    return event;
  };
  const count = () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0);
  return { doc, dispatch, count };
}

describe('ImagePicker', () => {
  it('has a visible button named for what it does', () => {
    const { doc } = fakeDoc();
    const picker = new ImagePicker({ doc, onPick: () => {} });
    const button = asFake(picker.element).find('share-image');
    expect(button.tagName).toBe('BUTTON');
    expect(button.textContent).toBe('Share an image');
    expect(button.hidden).toBe(false);
  });

  it('takes a pasted or dropped image, and leaves pasted text to the typing field', () => {
    const { doc, dispatch } = fakeDoc();
    const picked: Blob[] = [];
    new ImagePicker({ doc, onPick: (file) => picked.push(file) });
    const image = new File(['x'], 'a.png', { type: 'image/png' });
    expect(dispatch('paste', { files: [image] }).defaultPrevented).toBe(true);
    expect(dispatch('drop', { files: [new File(['y'], 'b.txt', { type: 'text/plain' }), image] }).defaultPrevented).toBe(true);
    expect(dispatch('paste', { files: [] }).defaultPrevented).toBe(false);
    expect(picked).toEqual([image, image]);
  });

  it('lets a file be dragged over the page only when it carries files', () => {
    const { doc, dispatch } = fakeDoc();
    new ImagePicker({ doc, onPick: () => {} });
    expect(dispatch('dragover', { files: [], types: ['Files'] }).defaultPrevented).toBe(true);
    expect(dispatch('dragover', { files: [], types: ['text/plain'] }).defaultPrevented).toBe(false);
  });

  it('releases every document listener on destroy', () => {
    const { doc, count, dispatch } = fakeDoc();
    const picked: Blob[] = [];
    const picker = new ImagePicker({ doc, onPick: (file) => picked.push(file) });
    expect(count()).toBe(3);
    picker.destroy();
    expect(count()).toBe(0);
    dispatch('paste', { files: [new File(['x'], 'a.png', { type: 'image/png' })] });
    expect(picked).toEqual([]);
  });
});
