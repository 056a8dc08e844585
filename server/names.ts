// The one friendly-name generator, for the server (a join without a name) and the browser (the
// name form's suggestion). It imports nothing, so the client bundle can take it as it is.

// Short words, so "<adjective> <animal>" always fits NAME_MAX_CHARS (the longest pair is 15).
const ADJECTIVES = [
  'Amber', 'Bold', 'Brave', 'Breezy', 'Calm', 'Clever', 'Cosy', 'Curious', 'Dapper', 'Eager',
  'Fuzzy', 'Gentle', 'Glad', 'Happy', 'Jolly', 'Kind', 'Lively', 'Lucky', 'Mellow', 'Merry',
  'Nimble', 'Plucky', 'Quiet', 'Rapid', 'Rosy', 'Silver', 'Sunny', 'Swift', 'Witty', 'Zesty',
];
const ANIMALS = [
  'Badger', 'Beaver', 'Crane', 'Dolphin', 'Falcon', 'Ferret', 'Fox', 'Gecko', 'Heron', 'Koala',
  'Lemur', 'Lynx', 'Marmot', 'Marten', 'Moose', 'Newt', 'Otter', 'Owl', 'Panda', 'Puffin',
  'Quokka', 'Rabbit', 'Raven', 'Seal', 'Sparrow', 'Tapir', 'Tiger', 'Walrus', 'Wombat', 'Wren',
];

/**
 * "Sunny Otter". A name is no secret, so Math.random does; tests pass their own `random`.
 * `random` returns values in [0, 1), like Math.random.
 */
export function friendlyName(random: () => number = Math.random): string {
  return `${pick(ADJECTIVES, random)} ${pick(ANIMALS, random)}`;
}

function pick(words: readonly string[], random: () => number): string {
  return words[Math.floor(random() * words.length)] ?? words[0]!;
}
