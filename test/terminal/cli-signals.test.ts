import { execFile } from 'node:child_process';
import { constants } from 'node:os';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.js';
import { HttpParticipant } from './http-participant.js';
import { hasTmux, TmuxPane } from './tmux.js';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);
const available = await hasTmux();

describe.skipIf(!available)('phantachat stopped by a signal', () => {
  let server: SpawnedServer;

  beforeAll(async () => {
    server = await spawnServer({});
  });

  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)('on %s leaves the room and restores the terminal', { timeout: 60_000 }, async (signal) => {
    const created = await fetch(`${server.url}/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const { room } = (await created.json()) as { room: string };
    const bo = new HttpParticipant(server.url, room);
    await bo.join('Bo');
    const pane = new TmuxPane({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color' });
    try {
      await pane.start(80, 24);
      // The shell reports how the CLI exited and what it left the terminal's modes at.
      await pane.type(
        `${process.execPath} --import tsx client/terminal/main.ts ${server.url}/${room} --name Ann; ` +
          `echo "EXITED:$?"; stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo)' | tr '\\n' ' '; echo ":MODES"`,
      );
      await pane.press('Enter');
      const screen = async (): Promise<string> => (await pane.capture()).join('\n');
      await waitFor('the chat screen', async () => (await screen()).includes('● connected'), 30_000);
      expect(await pane.format('#{alternate_on} #{cursor_flag}')).toBe('1 0');
      // The CLI is the pane shell's only child.
      const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', await pane.format('#{pane_pid}')]);
      process.kill(Number(stdout.trim()), signal);
      const status = await waitFor('the CLI to exit', async () => /EXITED:(\d+)/u.exec(await screen())?.[1]);
      expect(Number(status)).toBe(128 + constants.signals[signal]);
      expect(await bo.seatedNames()).toEqual(['Bo']);
      const modes = await waitFor('the terminal modes', async () => /(\S.*) :MODES/u.exec(await screen())?.[1]);
      expect(modes.trim()).toBe('icanon echo');
      expect(await pane.format('#{alternate_on} #{cursor_flag}')).toBe('0 1');
    } finally {
      await pane.kill();
      await bo.stop();
    }
  });
});
