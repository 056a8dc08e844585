import { describe, expect, it } from 'vitest';
import { fullAllowance, takeSend } from '../../server/domain/send-allowance.js';

const limits = { charsPerSecond: 100, charsBurst: 1000, sendsPerSecond: 10, sendsBurst: 3 };

/** One send of a sequence: how many characters, when (ms after a full allowance), and the wait it is answered. */
type Step = [chars: number, atMs: number, waitMs: number];

describe('takeSend', () => {
  it.each<{ behaviour: string; steps: Step[] }>([
    {
      behaviour: 'allows a burst of sends, then answers how long until the next one fits',
      steps: [[1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 100], [1, 50, 50], [1, 100, 0]],
    },
    {
      behaviour: 'counts characters apart from sends, and a refused send costs nothing',
      steps: [[1000, 0, 0], [500, 0, 5_000], [500, 0, 5_000], [500, 5_000, 0]],
    },
    {
      behaviour: 'refills no further than the burst',
      steps: [[1000, 0, 0], [1000, 1_000_000, 0], [1, 1_000_000, 10]],
    },
  ])('$behaviour', ({ steps }) => {
    const allowance = fullAllowance(limits, 0);
    const waits = steps.map(([chars, atMs]) => takeSend(allowance, limits, chars, atMs));
    expect(waits).toEqual(steps.map(([, , waitMs]) => waitMs));
  });
});
