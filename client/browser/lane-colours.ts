/** Lane colours for the others (`.c0`…`.c7` in styles.css): one per seat of the largest room. */
export const LANE_COLOURS = 8;

/**
 * The colour a name prefers, from a hash of the name, so a person who reloads (and so
 * rejoins with a new participant id) comes back in the same colour. Two names that
 * hash alike in one room get the next free colour instead of sharing one.
 */
export function laneColour(name: string, taken: ReadonlySet<number>): number {
  const preferred = nameHash(name) % LANE_COLOURS;
  for (let step = 0; step < LANE_COLOURS; step += 1) {
    const colour = (preferred + step) % LANE_COLOURS;
    if (!taken.has(colour)) return colour;
  }
  return preferred;
}

// FNV-1a, 32 bits: tiny, stable across browsers and sessions, spreads short names well.
function nameHash(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i += 1) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
