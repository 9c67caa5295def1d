import https from 'node:https';
import type { Logger } from '../log';
import { systemClock, type Clock } from '@common/clock';
import type { StoreClient } from '../store/store-client';
import type { OutboxItem } from '../store/store-api';

export interface OutboxSenderOptions {
  store: () => StoreClient | undefined;
  /** `notes.syncUrl`; empty = no upstream. Only https:// is used. */
  url: () => string;
  log: Logger;
  changed: () => void;
  clock?: Clock;
  /** TLS trust for the endpoint (tests pass an agent trusting their own CA); default: the system's. */
  agent?: https.Agent;
  /** The socket may be idle this long (default 15 s). */
  timeoutMs?: number;
  /** One delivery, answer included, may take at most this long (default 60 s): a server trickling bytes is cut off. */
  deadlineMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

export type SyncUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };
export function checkSyncUrl(raw: string): SyncUrlCheck {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { ok: false, reason: 'the sync URL is not a valid URL' };
  }
  if (u.protocol !== 'https:') return { ok: false, reason: 'the sync URL must start with https://' };
  return { ok: true, url: u };
}

/**
 * Delivers the outbox to the sync endpoint: one POST per item with its idempotency key (header and body), in
 * order, one at a time. Only a 2xx counts as delivered; a timeout, any other status or a broken answer is retried
 * with exponential back-off and jitter, the next attempt time kept in SQLite so it survives restarts.
 */
export class OutboxSender {
  private timer: unknown;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly clock: Clock;
  lastError: string | undefined;
  pending = 0;
  nextAttemptAt: number | undefined;

  constructor(private readonly o: OutboxSenderOptions) {
    this.clock = o.clock ?? systemClock;
  }

  endpoint(): boolean {
    return this.o.url().trim() !== '';
  }
  /** Deliveries are queued only when a usable endpoint is configured. */
  usable(): boolean {
    return this.endpoint() && checkSyncUrl(this.o.url().trim()).ok;
  }

  /** Look at the outbox now (after a finish, at start, when the network comes back). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run()
      .catch((e: unknown) => this.o.log.warn('outbox run failed', { error: String(e) }))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    await this.running;
  }

  /** Resolves when nothing is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    const store = this.o.store();
    if (!store) return;
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    const raw = this.o.url().trim();
    const check = raw ? checkSyncUrl(raw) : undefined;
    if (check && !check.ok) this.lastError = check.reason;
    if (check?.ok) {
      for (;;) {
        const due = await store.call('outboxDue', { now: this.clock.now(), limit: 10 });
        if (due.length === 0) break;
        let failed = false;
        for (const item of due) {
          const res = await this.post(check.url, item);
          const at = this.clock.now();
          if (res.ok) {
            await store.call('outboxResult', { id: item.id, at, delivered: true });
            this.lastError = undefined;
          } else {
            this.lastError = res.error;
            await store.call('outboxResult', {
              id: item.id,
              at,
              delivered: false,
              error: res.error,
              nextAttemptAt: at + this.delay(item.attempts + 1),
            });
            failed = true;
            break; // the endpoint is unwell: everything else waits for its own back-off
          }
        }
        if (failed || this.stopped) break;
      }
    }
    const stats = await store.call('outboxStats', {});
    this.pending = stats.pending;
    this.nextAttemptAt = check?.ok ? stats.nextAttemptAt : undefined;
    if (!check?.ok && stats.pending === 0) this.lastError = check && !check.ok ? check.reason : undefined;
    this.o.changed();
    if (check?.ok && stats.nextAttemptAt !== undefined && !this.stopped) {
      this.timer = this.clock.setTimeout(
        () => {
          this.timer = undefined;
          this.kick();
        },
        Math.max(0, stats.nextAttemptAt - this.clock.now()),
      );
    }
  }

  /** Exponential back-off with jitter: base·2^(n-1), capped, then a random point in its upper half. */
  delay(attempt: number): number {
    const base = this.o.baseDelayMs ?? 5_000,
      max = this.o.maxDelayMs ?? 10 * 60_000;
    const d = Math.min(max, base * 2 ** Math.min(30, attempt - 1));
    return Math.round(d / 2 + (this.o.random ?? Math.random)() * (d / 2));
  }

  private post(url: URL, item: OutboxItem): Promise<{ ok: true } | { ok: false; error: string }> {
    const body = Buffer.from(item.payload, 'utf8');
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: { ok: true } | { ok: false; error: string }) => {
        if (!settled) {
          settled = true;
          clearTimeout(deadline);
          resolve(r);
        }
      };
      const deadlineMs = this.o.deadlineMs ?? 60_000;
      const deadline = setTimeout(() => {
        done({ ok: false, error: `no complete answer within ${deadlineMs} ms` });
        req.destroy();
      }, deadlineMs);
      const req = https.request(
        url,
        {
          method: 'POST',
          timeout: this.o.timeoutMs ?? 15_000,
          ...(this.o.agent ? { agent: this.o.agent } : {}),
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'content-length': body.length,
            'idempotency-key': item.key,
          },
        },
        (res) => {
          res.resume();
          res.on('error', (e) => done({ ok: false, error: `answer broken: ${e.message}` }));
          res.on('end', () => {
            const s = res.statusCode ?? 0;
            done(s >= 200 && s < 300 ? { ok: true } : { ok: false, error: `HTTP ${s}` });
          });
        },
      );
      req.on('timeout', () => {
        req.destroy(new Error('timed out'));
      });
      req.on('error', (e) => done({ ok: false, error: e.message.slice(0, 200) }));
      req.end(body);
    });
  }
}
