import { systemClock, type Clock } from '@common/clock';
import type { Logger } from '../node/log';
import type { CdpEvent, CdpPipe } from './cdp-pipe';

/** At most this many reloads within `reloadWindowMs`: a page that crashes on every load is not reloaded forever. */
export const maxReloads = 5;
export const reloadWindowMs = 60_000;

export interface PageRecovery {
  /** Resolves once Chromium reports its targets (crashes from then on are seen); rejects if it refuses. */
  ready: Promise<void>;
  /** Reloads done so far (for the log and tests). */
  readonly reloads: number;
  /** No more reloads: Chromium is being stopped, and its renderers dying then are not crashes to recover from. */
  stop(): void;
}

/**
 * Watches the Chromium the host started for a crashed app page (its renderer killed, out of memory, a crash) and
 * reloads that same tab, as the Electron shell does on `render-process-gone`. The same tab keeps its
 * sessionStorage, so the reloaded page reconnects with its session; the core sees a new media host attach and
 * re-INVITEs the calls so their media is negotiated afresh. Without this the tab would show Chromium's sad face
 * and the calls would stay up with no audio.
 */
export function watchPageCrashes(o: {
  cdp: Pick<CdpPipe, 'send' | 'onEvent'>;
  /** The host's origin: only its pages are the app's. */
  origin: string;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  clock?: Pick<Clock, 'now'>;
}): PageRecovery {
  const clock = o.clock ?? systemClock;
  const targets = new Map<string, { type: string; url: string }>();
  const recent: number[] = [];
  let stopped = false;
  let reloads = 0;
  let gaveUpLogged = false;

  const isAppPage = (t: { type: string; url: string } | undefined) =>
    t !== undefined && t.type === 'page' && (t.url === o.origin || t.url.startsWith(`${o.origin}/`));

  const reload = async (targetId: string): Promise<void> => {
    const { sessionId } = await o.cdp.send('Target.attachToTarget', { targetId, flatten: true });
    if (typeof sessionId !== 'string') throw new Error('Chromium gave no session for the page');
    try {
      await o.cdp.send('Page.reload', {}, sessionId);
    } finally {
      await o.cdp.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
    }
  };

  const crashed = (targetId: string, status: unknown, errorCode: unknown): void => {
    const target = targets.get(targetId);
    if (stopped || !isAppPage(target)) return;
    const now = clock.now();
    while (recent.length && now - recent[0]! >= reloadWindowMs) recent.shift();
    if (recent.length >= maxReloads) {
      if (!gaveUpLogged)
        o.log.error('the page crashed again: not reloading it (too many crashes); reload the window by hand', {
          crashes: recent.length + 1,
          withinMs: reloadWindowMs,
          status,
        });
      gaveUpLogged = true;
      return;
    }
    gaveUpLogged = false;
    recent.push(now);
    reloads++;
    o.log.warn('the page crashed: reloading it', { status, errorCode, reload: recent.length, of: maxReloads });
    reload(targetId).then(
      () => o.log.info('the page reloaded after its crash'),
      (err: unknown) =>
        o.log.error('reloading the crashed page failed', { detail: err instanceof Error ? err.message : String(err) }),
    );
  };

  const onEvent = (e: CdpEvent): void => {
    if (e.sessionId) return; // Only the browser-wide target events.
    const info = e.params.targetInfo as { targetId?: unknown; type?: unknown; url?: unknown } | undefined;
    switch (e.method) {
      case 'Target.targetCreated':
      case 'Target.targetInfoChanged':
        if (typeof info?.targetId === 'string')
          targets.set(info.targetId, { type: String(info.type ?? ''), url: String(info.url ?? '') });
        return;
      case 'Target.targetDestroyed':
        if (typeof e.params.targetId === 'string') targets.delete(e.params.targetId);
        return;
      case 'Target.targetCrashed':
        if (typeof e.params.targetId === 'string') crashed(e.params.targetId, e.params.status, e.params.errorCode);
        return;
    }
  };
  const unsubscribe = o.cdp.onEvent(onEvent);
  const ready = o.cdp.send('Target.setDiscoverTargets', { discover: true }).then(() => undefined);

  return {
    ready,
    get reloads() {
      return reloads;
    },
    stop() {
      stopped = true;
      unsubscribe();
    },
  };
}
