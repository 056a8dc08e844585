#!/usr/bin/env node
import { ApiClient } from '../core/api-client.js';
import { Session } from '../core/session.js';
import { parseCommand, USAGE, type Command } from './cli-args.js';
import { ExitGuard } from './exit-guard.js';
import { promptName } from './name-prompt.js';
import { nodeIo } from './node-io.js';
import { NodeTerminal } from './node-terminal.js';
import { TerminalChat } from './terminal-chat.js';
import { printable } from './text-cells.js';

// sysexits-style codes: 2 for a usage error, 1 for anything the room or network did.
const EXIT_USAGE = 2;
const EXIT_FAILED = 1;

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Error sentences may come from the server: written only once no control character is left in them. */
function complain(text: string): void {
  process.stderr.write(`phantachat: ${printable(text)}\n`);
}

async function createRoom(command: Extract<Command, { kind: 'new' }>, api: ApiClient): Promise<number> {
  const created = await api.createRoom(command.capacity);
  if (!created.ok) {
    complain(created.kind === 'network' ? `could not reach ${command.server}: ${created.error}` : created.error);
    return EXIT_FAILED;
  }
  say(`${command.server}${created.body.url}`);
  return 0;
}

async function joinRoom(command: Extract<Command, { kind: 'join' }>, api: ApiClient, io: ReturnType<typeof nodeIo>['io']): Promise<number> {
  const { stdin, stdout } = process;
  if (!stdin.isTTY || !stdout.isTTY) {
    complain('joining a room needs a terminal (live typing reads every key as it is pressed).');
    return EXIT_USAGE;
  }
  const session = new Session(api, command.room);
  let name = command.name;
  let hint: string | undefined;
  for (;;) {
    if (name === undefined) {
      const answer = await promptName(stdin, stdout, hint);
      if (answer === null) return 0;
      name = answer;
    }
    const outcome = await session.join(name);
    if (outcome.kind === 'joined') break;
    if (outcome.kind === 'invalid-name' && command.name === undefined) {
      hint = outcome.error;
      name = undefined;
      continue;
    }
    if (outcome.kind === 'full') complain('this room is full.');
    else if (outcome.kind === 'vanished') complain('this chat has vanished (or the link is wrong).');
    else if (outcome.kind === 'invalid-name') complain(outcome.error);
    else complain(`could not reach ${command.baseUrl}: ${outcome.error}`);
    return outcome.kind === 'invalid-name' ? EXIT_USAGE : EXIT_FAILED;
  }

  const terminal = new NodeTerminal(stdin, stdout);
  const chat = new TerminalChat({ io, api, session, join: session.joined!, terminal, roomUrl: `${command.baseUrl}/${command.room}` });
  const guard = new ExitGuard(process, (cause) => {
    if (cause.kind === 'error') {
      // Restore first: an error message printed into raw mode on the alternate screen is lost.
      terminal.restore();
      complain(`stopped by an internal error: ${cause.error instanceof Error ? cause.error.message : String(cause.error)}`);
    }
    void chat.quit();
  });
  // A closed terminal fails writes with EIO/EPIPE: that is a hangup, not a crash.
  const onWriteError = (): void => void chat.quit();
  stdout.on('error', onWriteError);
  try {
    chat.start();
    const end = await chat.done;
    if (end === 'full') complain('someone took your seat while you were away; this room is full now.');
    if (end === 'vanished') complain('this chat has vanished.');
    return guard.exitCode() ?? (end === 'left' ? 0 : EXIT_FAILED);
  } finally {
    guard.dispose();
    stdout.off('error', onWriteError);
    terminal.restore();
  }
}

async function main(): Promise<number> {
  const command = parseCommand(process.argv.slice(2));
  if (command.kind === 'help') {
    say(USAGE);
    return 0;
  }
  if (command.kind === 'error') {
    complain(command.message);
    complain('run "phantachat --help" for usage.');
    return EXIT_USAGE;
  }
  const { io, close } = nodeIo();
  try {
    const api = new ApiClient(io, command.kind === 'new' ? command.server : command.baseUrl);
    return command.kind === 'new' ? await createRoom(command, api) : await joinRoom(command, api, io);
  } finally {
    await close().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    complain(error instanceof Error ? error.message : String(error));
    process.exit(EXIT_FAILED);
  },
);
