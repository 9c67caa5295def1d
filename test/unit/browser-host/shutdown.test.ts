import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onStopSignal, runShutdown } from '../../../electron/browser-host/shutdown';
import { createLogger } from '../../../electron/node/log';

function recordingLog() {
  const lines: string[] = [];
  return { log: createLogger((l) => lines.push(l), 'debug'), lines };
}

describe('runShutdown', () => {
  it('runs every step in order and resolves 0 when all succeed', async () => {
    const ran: string[] = [];
    const { log } = recordingLog();
    const code = await runShutdown(
      ['page', 'core', 'chromium', 'host'].map((name) => ({ name, run: () => void ran.push(name), timeoutMs: 1000 })),
      log,
    );
    expect(code).toBe(0);
    expect(ran).toEqual(['page', 'core', 'chromium', 'host']);
  });

  it('a step that throws, rejects or hangs does not keep the later ones from running; the code is 1', async () => {
    const ran: string[] = [];
    const { log, lines } = recordingLog();
    const code = await runShutdown(
      [
        {
          name: 'throws',
          run: () => {
            throw new Error('ENOTEMPTY');
          },
          timeoutMs: 1000,
        },
        { name: 'rejects', run: () => Promise.reject(new Error('no socket')), timeoutMs: 1000 },
        { name: 'hangs', run: () => new Promise<void>(() => undefined), timeoutMs: 30 },
        { name: 'core', run: () => void ran.push('core'), timeoutMs: 1000 },
      ],
      log,
    );
    expect(code).toBe(1);
    expect(ran).toEqual(['core']);
    expect(lines.filter((l) => l.includes('failed')).map((l) => /shutdown: (\w+) failed/.exec(l)?.[1])).toEqual([
      'throws',
      'rejects',
      'hangs',
    ]);
    expect(lines.find((l) => l.includes('hangs failed'))).toContain('still running after 30 ms');
  });
});

describe('onStopSignal', () => {
  it('SIGINT, SIGTERM and SIGHUP each stop the host, and only the first one counts', () => {
    for (const first of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const proc = new EventEmitter();
      const stops: string[] = [];
      onStopSignal(proc as unknown as NodeJS.Process, (s) => stops.push(s));
      proc.emit(first);
      proc.emit('SIGINT');
      proc.emit('SIGTERM');
      expect(stops).toEqual([first]);
    }
  });
});
