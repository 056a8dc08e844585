// Checking every 5 ms costs nothing next to a request and notices a change within a few ms.
const CHECK_EVERY_MS = 5;

/** Resolves once `condition` holds; rejects after `timeoutMs`, naming what it waited for. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, CHECK_EVERY_MS));
  }
}
