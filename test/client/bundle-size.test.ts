import { describe, expect, it } from 'vitest';
import { buildClient } from '../../scripts/build-client.mjs';

// The budget: one minified script under 30 KB, so the chat opens at once on a phone.
const SCRIPT_BUDGET_BYTES = 30_000;

describe('npm run build:client', () => {
  it(`produces one script under ${SCRIPT_BUDGET_BYTES} bytes and one stylesheet`, async () => {
    const { script, style, sizes } = await buildClient({ write: false });
    const names = Object.keys(sizes);
    expect(names.filter((n) => n.endsWith('.js'))).toEqual([script]);
    expect(names.filter((n) => n.endsWith('.css'))).toEqual([style]);
    expect(sizes[script]).toBeLessThan(SCRIPT_BUDGET_BYTES);
  });
});
