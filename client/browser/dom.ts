/**
 * The one way this client builds elements. Text goes in through `textContent` only,
 * never markup, so a name or message like `<img onerror=…>` is shown, not run.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
