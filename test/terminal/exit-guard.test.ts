import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { EXIT_SIGNALS, ExitGuard, type ExitCause } from '../../client/terminal/exit-guard.js';

function setup() {
  const source = new EventEmitter();
  const causes: ExitCause[] = [];
  const guard = new ExitGuard(source, (cause) => causes.push(cause));
  return { source, causes, guard };
}

describe('ExitGuard', () => {
  it.each(EXIT_SIGNALS)('turns %s into one exit with status 128 + its number', (signal) => {
    const { source, causes, guard } = setup();
    source.emit(signal, signal);
    expect(causes).toEqual([{ kind: 'signal', signal }]);
    expect(guard.exitCode()).toBe({ SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }[signal as string]);
  });

  it('turns an uncaught error or rejection into an exit with status 1', () => {
    for (const event of ['uncaughtException', 'unhandledRejection']) {
      const { source, causes, guard } = setup();
      const error = new Error('boom');
      source.emit(event, error);
      expect(causes).toEqual([{ kind: 'error', error }]);
      expect(guard.exitCode()).toBe(1);
    }
  });

  it('exits once, for the first cause, however many follow', () => {
    const { source, causes, guard } = setup();
    source.emit('SIGTERM');
    source.emit('uncaughtException', new Error('late'));
    source.emit('SIGHUP');
    expect(causes).toHaveLength(1);
    expect(guard.cause).toEqual({ kind: 'signal', signal: 'SIGTERM' });
  });

  it('has no cause and no status until something happens', () => {
    const { guard } = setup();
    expect(guard.cause).toBeUndefined();
    expect(guard.exitCode()).toBeUndefined();
  });

  it('removes every listener on dispose', () => {
    const { source, causes, guard } = setup();
    guard.dispose();
    expect(source.eventNames()).toEqual([]);
    source.emit('SIGTERM');
    expect(causes).toEqual([]);
  });
});
