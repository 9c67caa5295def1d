import type { Logger } from '../node/log';

/** One part of stopping the host: a name for the log, the work, and how long it may take. */
export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
  timeoutMs: number;
}

/**
 * The renderer saves a note draft at most this long after the first unsaved keystroke
 * (renderer/src/state/note-draft.ts, SAVE_MAX_WAIT_MS), plus room for the save to cross the socket: while the
 * page is still connected, waiting this long before stopping lets a draft typed just before the signal arrive.
 */
export const rendererSaveGraceMs = 400;

/**
 * Runs every step in order, each to its end or its time limit, even when one before failed or timed out (the
 * registrar must still see the un-REGISTER, Chromium's profile folder must still go). Resolves 0 when every step
 * succeeded, 1 otherwise; never rejects.
 */
export async function runShutdown(steps: ShutdownStep[], log: Pick<Logger, 'info' | 'error'>): Promise<number> {
  let code = 0;
  for (const step of steps) {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(step.run),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`still running after ${step.timeoutMs} ms`)), step.timeoutMs);
        }),
      ]);
      log.info(`shutdown: ${step.name} done`, { ms: Date.now() - started });
    } catch (err) {
      code = 1;
      log.error(`shutdown: ${step.name} failed`, { detail: err instanceof Error ? err.message : String(err) });
    } finally {
      clearTimeout(timer);
    }
  }
  return code;
}

/**
 * The stopping signals, each starting the one shutdown: a second signal (Ctrl-C in a terminal reaches both
 * `npm run start:browser` and the host, which then passes it on too) does not start another.
 */
export const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function onStopSignal(
  proc: Pick<NodeJS.Process, 'on'>,
  stop: (signal: (typeof stopSignals)[number]) => void,
): void {
  let seen = false;
  for (const signal of stopSignals) {
    proc.on(signal, () => {
      if (seen) return;
      seen = true;
      stop(signal);
    });
  }
}
