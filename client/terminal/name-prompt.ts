import { createInterface } from 'node:readline/promises';

/**
 * Asks for a name on the terminal. Resolves the trimmed answer, undefined for an empty
 * one (the server then makes one up), or null when the user pressed Ctrl-C or closed input.
 */
export async function promptName(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, hint?: string): Promise<string | undefined | null> {
  const rl = createInterface({ input, output, terminal: true });
  const cancel = new AbortController();
  rl.on('SIGINT', () => cancel.abort());
  rl.on('close', () => cancel.abort());
  try {
    if (hint) output.write(`${hint}\n`);
    const answer = await rl.question('Your name (Enter for a made-up one): ', { signal: cancel.signal });
    const name = answer.trim();
    return name === '' ? undefined : name;
  } catch {
    output.write('\n');
    return null;
  } finally {
    rl.close();
  }
}
