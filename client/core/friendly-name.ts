// Short, pronounceable, friendly: a name you would not mind being called in a chat.
const ADJECTIVES = [
  'Amber', 'Bold', 'Breezy', 'Calm', 'Clever', 'Cosy', 'Curious', 'Dapper', 'Eager', 'Fuzzy',
  'Gentle', 'Glad', 'Happy', 'Jolly', 'Kind', 'Lucky', 'Merry', 'Mellow', 'Nimble', 'Plucky',
  'Quiet', 'Rosy', 'Sunny', 'Swift', 'Witty', 'Zesty',
];
const ANIMALS = [
  'Badger', 'Crane', 'Dolphin', 'Falcon', 'Ferret', 'Fox', 'Gecko', 'Heron', 'Koala', 'Lemur',
  'Lynx', 'Marmot', 'Moose', 'Newt', 'Otter', 'Owl', 'Panda', 'Puffin', 'Quokka', 'Rabbit',
  'Raven', 'Seal', 'Sparrow', 'Tapir', 'Walrus', 'Wombat',
];

/** "Sunny Otter": within the protocol's 32-character name limit. */
export function friendlyName(random: () => number = Math.random): string {
  return `${pick(ADJECTIVES, random)} ${pick(ANIMALS, random)}`;
}

function pick(words: readonly string[], random: () => number): string {
  return words[Math.floor(random() * words.length)] ?? words[0]!;
}
