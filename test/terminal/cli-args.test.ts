import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVER, parseCommand } from '../../client/terminal/cli-args.js';
import { parseRoomLink } from '../../client/terminal/room-link.js';

describe('parseCommand', () => {
  it('joins a room link, with or without a name', () => {
    expect(parseCommand(['https://chat.example/AbC123xyz789', '--name', 'Ann'])).toEqual({
      kind: 'join',
      baseUrl: 'https://chat.example',
      room: 'AbC123xyz789',
      name: 'Ann',
    });
    expect(parseCommand(['http://127.0.0.1:3000/AbC123xyz789'])).toMatchObject({ kind: 'join', name: undefined });
  });

  it('creates a room on the default server, or the one given', () => {
    expect(parseCommand(['new'])).toEqual({ kind: 'new', server: DEFAULT_SERVER, capacity: undefined });
    expect(parseCommand(['new', '--capacity', '4', '--server', 'https://chat.example/'])).toEqual({
      kind: 'new',
      server: 'https://chat.example',
      capacity: 4,
    });
  });

  it('answers --help', () => {
    expect(parseCommand(['--help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [[], 'Give one room link'],
    [['a', 'b'], 'Give one room link'],
    [['new', '--capacity', 'lots'], '--capacity must be a whole number'],
    [['new', '--capacity', '-1'], 'argument'],
    [['new', '--server', 'ftp://x'], '--server must start with http'],
    [['new', '--name', 'Ann'], '--name is for joining'],
    [['https://x.example/AbC123', '--server', 'https://y'], 'go with "new"'],
    [['--frobnicate'], 'Unknown option'],
    [['not a link'], 'is not a link'],
  ])('refuses %j with a sentence', (argv, sentence) => {
    const command = parseCommand(argv);
    expect(command.kind).toBe('error');
    expect(command.kind === 'error' && command.message).toContain(sentence);
  });
});

describe('parseRoomLink', () => {
  it('keeps a path prefix the server is mounted under', () => {
    expect(parseRoomLink('https://x.example/chat/AbC123?utm=1')).toEqual({ baseUrl: 'https://x.example/chat', room: 'AbC123' });
  });

  it.each(['https://x.example/', 'https://x.example/a-b', 'javascript:alert(1)', 'mailto:a@b'])('refuses %s', (link) => {
    expect(parseRoomLink(link)).toHaveProperty('error');
  });
});
