import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.js';
import { HttpParticipant } from './http-participant.js';
import { hasTmux, TmuxPane } from './tmux.js';
import { waitFor } from './wait-for.js';

// Short-lived text, so the test sees it vanish from the server too without a long wait.
const MESSAGE_TTL_MS = 3000;
const available = await hasTmux();
if (!available && process.env.CI) throw new Error('tmux is missing: .ci/run installs it');

describe.skipIf(!available)('phantachat in a real terminal (tmux)', () => {
  let server: SpawnedServer;
  let bo: HttpParticipant;
  let pane: TmuxPane;
  let room: string;

  beforeAll(async () => {
    server = await spawnServer({ MESSAGE_TTL_MS: String(MESSAGE_TTL_MS) });
    const created = await fetch(`${server.url}/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    room = ((await created.json()) as { room: string }).room;
    bo = new HttpParticipant(server.url, room);
    await bo.join('Bo');
    pane = new TmuxPane({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color' });
    await pane.start(100, 30);
  });

  afterAll(async () => {
    await pane?.kill();
    await bo?.stop();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  const screen = async (): Promise<string> => (await pane.capture()).join('\n');

  it('types into the room, shows what others type until it vanishes, and leaves on Ctrl-C', { timeout: 90_000 }, async () => {
    // The shell reports how the CLI exited and what it left the terminal's modes at.
    await pane.type(
      `${process.execPath} --import tsx client/terminal/main.ts ${server.url}/${room} --name Ann; ` +
        `echo "EXITED:$?"; stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo)' | tr '\\n' ' '; echo ":MODES"`,
    );
    await pane.press('Enter');
    await waitFor('the chat screen', async () => /Ann \(you\)[\s\S]*● connected/u.test(await screen()), 30_000);
    const ann = await waitFor('Ann in the room', () => bo.events.find((e) => e.type === 'join' && e.name === 'Ann')?.from);

    // Keys reach the other side as typed; Backspace takes nothing back; Enter is a newline.
    await pane.type('hi bo');
    await pane.press('BSpace', 'Enter');
    await pane.type('ok');
    await waitFor("Ann's keys at Bo", () => bo.textFrom(ann) === 'hi bo\nok');
    expect(await screen()).toContain('  hi bo\n  ok');

    // Bo's text shows in the pane, then vanishes there and from the server.
    await bo.send('hello from bo');
    await waitFor("Bo's text in the pane", async () => (await screen()).includes('hello from bo'));
    await waitFor("Bo's text gone from the pane", async () => !(await screen()).includes('hello from bo'), 10_000);
    expect(await bo.liveTexts()).not.toContain('hello from bo');

    // A resize repaints at the new size: the status line moves to the new last row.
    await pane.resize(60, 20);
    await waitFor('a repaint at 60 x 20', async () => {
      const rows = await pane.capture();
      return rows.length === 20 && /^● connected +2 here · Ctrl-C leaves$/u.test(rows[19]!);
    });

    // Ctrl-C: the seat is free the moment the CLI has exited, and the terminal is as it was.
    await pane.press('C-c');
    const exited = await waitFor('the CLI to exit', async () => /EXITED:(\d+)/u.exec(await screen())?.[1]);
    expect(await bo.seatedNames()).toEqual(['Bo']);
    expect(exited).toBe('0');
    const modes = await waitFor('the terminal modes', async () => /(\S.*) :MODES/u.exec(await screen())?.[1]);
    expect(modes.trim()).toBe('icanon echo');
    expect(await pane.format('#{alternate_on} #{cursor_flag}')).toBe('0 1');
    // Back on the main screen: the shell's own line is there again, the chat's frame is not.
    expect(await screen()).toContain('--name Ann');
    expect(await screen()).not.toContain('Ctrl-C leaves');
    await waitFor("Ann's leave at Bo", () => bo.events.some((e) => e.type === 'leave' && e.from === ann));
  });

  it('asks for a name when none is given, and joins under it', { timeout: 60_000 }, async () => {
    const created = await fetch(`${server.url}/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const other = new HttpParticipant(server.url, ((await created.json()) as { room: string }).room);
    await other.join('Cy');
    const prompted = new TmuxPane({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color' });
    try {
      await prompted.start(80, 24);
      await prompted.type(`${process.execPath} --import tsx client/terminal/main.ts ${server.url}/${other.room}`);
      await prompted.press('Enter');
      await waitFor('the name prompt', async () => (await prompted.capture()).some((row) => row.startsWith('Your name')), 30_000);
      await prompted.type('Zed');
      await prompted.press('Enter');
      await waitFor('Zed in the room', () => other.events.some((e) => e.type === 'join' && e.name === 'Zed'));
      await waitFor('the chat screen', async () => (await prompted.capture()).includes('Zed (you)'));
      await prompted.press('C-c');
      await waitFor("Zed's leave", () => other.events.some((e) => e.type === 'leave' && e.name === 'Zed'));
    } finally {
      await prompted.kill();
      await other.stop();
    }
  });
});
