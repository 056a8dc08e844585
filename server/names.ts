import { randomInt } from 'node:crypto';

// Short words so "<adjective> <animal>" always fits the 32-character name limit.
const ADJECTIVES = ['Amber', 'Brave', 'Calm', 'Clever', 'Curious', 'Dapper', 'Eager', 'Gentle', 'Happy', 'Jolly', 'Kind', 'Lively', 'Lucky', 'Mellow', 'Nimble', 'Quiet', 'Rapid', 'Silver', 'Sunny', 'Witty'];
const ANIMALS = ['Badger', 'Beaver', 'Crane', 'Dolphin', 'Falcon', 'Fox', 'Gecko', 'Heron', 'Koala', 'Lynx', 'Marten', 'Otter', 'Owl', 'Panda', 'Puffin', 'Raven', 'Seal', 'Tiger', 'Walrus', 'Wren'];

export function friendlyName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]} ${ANIMALS[randomInt(ANIMALS.length)]}`;
}
