import { friendlyName } from '../../server/names.js';

const KEY = 'phantachat:name';

/** The name used last time, else a friendly generated one. Storage may be off (private mode). */
export function rememberedName(storage: Storage | undefined): string {
  try {
    const saved = storage?.getItem(KEY)?.trim();
    if (saved) return saved;
  } catch {
    // Storage blocked: a fresh name is fine.
  }
  return friendlyName();
}

export function rememberName(storage: Storage | undefined, name: string): void {
  try {
    storage?.setItem(KEY, name);
  } catch {
    // Quota or privacy mode: the next visit simply suggests a fresh name.
  }
}
