import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { en } from '../../../renderer/src/i18n/en';
import { es } from '../../../renderer/src/i18n/es';
import { esES } from '../../../renderer/src/i18n/es-ES';
import { esMX } from '../../../renderer/src/i18n/es-MX';
import { resolveLanguage } from '../../../renderer/src/i18n/i18n';
import { click, mountApp, type UiLanguage } from '../../support/render-ui';
import { agentView, callView, callsSnapshot, inAfterCallWork, muteStatus } from '../../support/views';

const mount = (language: UiLanguage) => mountApp({ language });
const q = (el: Element, id: string) => el.querySelector(`[data-testid="${id}"]`);

afterEach(() => {
  document.body.innerHTML = '';
});

describe('translations', () => {
  it('es-MX and es-ES have exactly the English keys, none empty', () => {
    for (const lang of [esMX, esES]) {
      expect(Object.keys(lang).sort()).toEqual(Object.keys(en).sort());
      expect(Object.values(lang).filter((v) => !v.trim())).toEqual([]);
    }
    expect(esES['reg.reason.tls']).toContain('ordenador');
    expect(esMX['reg.reason.tls']).toContain('computadora');
  });
  it('Spanish is said once: the shared base holds what both say alike, each dialect only what differs', () => {
    const shared = Object.keys(es) as Array<keyof typeof es>;
    expect(shared.filter((k) => esMX[k] !== es[k] || esES[k] !== es[k])).toEqual([]);
    const own = (Object.keys(en) as Array<keyof typeof en>).filter((k) => !(k in es));
    expect(own.filter((k) => esMX[k] === esES[k])).toEqual([]);
    expect(shared.length).toBeGreaterThan(own.length);
  });
  it('follows the setting, or the browser language when automatic', () => {
    expect(resolveLanguage('es-ES', 'en-US')).toBe('es-ES');
    expect(resolveLanguage('auto', 'es-AR')).toBe('es-MX');
    expect(resolveLanguage('auto', 'es-ES')).toBe('es-ES');
    expect(resolveLanguage('auto', 'fr-FR')).toBe('en');
  });
});

describe('app shell', () => {
  it("always shows the registration state the core reports, with its reason in the agent's language", async () => {
    const { el, bridge, unmount } = await mount('es-MX');
    expect(q(el, 'registration-state')?.getAttribute('data-state')).toBe('unregistered');
    await act(async () => bridge.emit('registration', { state: 'failed', reason: 'credentials' }));
    expect(q(el, 'registration-state')?.getAttribute('data-state')).toBe('failed');
    expect(q(el, 'registration-reason')?.textContent).toBe(esMX['reg.reason.credentials']);
    await unmount();
  });

  it('says which server the phone is on, and on a backup server why, in the status bar and the account', async () => {
    const { el, bridge, unmount } = await mount('es-MX');
    await act(async () => bridge.emit('registration', { state: 'registered', server: 'wss://sbc-a.example/ws' }));
    expect(q(el, 'account-server-in-use')?.textContent).toBe('Registrado en wss://sbc-a.example/ws.');
    expect(q(el, 'registration-failover')).toBeNull();
    await act(async () =>
      bridge.emit('registration', {
        state: 'registered',
        server: 'wss://sbc-b.example/ws',
        failover: { primary: 'wss://sbc-a.example/ws', reason: 'rejected', detail: '503 Service Unavailable' },
      }),
    );
    expect(q(el, 'registration-failover')?.textContent).toBe(esMX['reg.backupServer']);
    const inUse = q(el, 'account-server-in-use');
    expect(inUse?.getAttribute('data-failover')).toBe('true');
    expect(inUse?.textContent).toContain('wss://sbc-b.example/ws');
    expect(inUse?.textContent).toContain('(wss://sbc-a.example/ws)');
    expect(inUse?.textContent).toContain('503 Service Unavailable');
    await act(async () => bridge.emit('registration', { state: 'reconnecting', server: 'wss://sbc-a.example/ws' }));
    expect(q(el, 'account-server-in-use')).toBeNull();
    await unmount();
  });

  it('shows account field errors in Spanish on save and sends nothing invalid to the core', async () => {
    const { el, bridge, unmount } = await mount('es-ES');
    const server = q(el, 'account-server') as HTMLInputElement;
    await act(async () => {
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      setter.call(server, 'ws://sip.example.org');
      server.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => {
      (q(el, 'account-save') as HTMLButtonElement).click();
    });
    expect(q(el, 'error-server')?.textContent).toBe(esES['account.error.insecure-remote']);
    expect(q(el, 'error-user')?.textContent).toBe(esES['account.error.required']);
    expect(bridge.calls).not.toContain('account.save');
    await unmount();
  });

  it('states where the password is kept', async () => {
    const { el, unmount } = await mount('en');
    expect(q(el, 'secrets-note')?.textContent).toBe(en['account.secrets.user-file']);
    await unmount();
  });

  it('renders hostile caller data as text, and the mute warnings', async () => {
    const { el, bridge, unmount } = await mount('en');
    await act(async () => bridge.emit('mute', muteStatus({ inCall: false, verification: 'unknown' })));
    await act(async () =>
      bridge.emit(
        'calls',
        callsSnapshot(
          callView('c1', {
            state: 'ringing',
            remote: { name: '<img src=x onerror=alert(1)>', number: '5550100' },
            screenPop: [{ header: 'X-Account-Id', value: '<script>alert(1)</script>' }],
          }),
        ),
      ),
    );
    expect(q(el, 'call-remote-name')?.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(el.querySelector('img, script')).toBeNull();
    expect(q(el, 'mute-indicator')?.getAttribute('data-muted')).toBe('true');
    await act(async () =>
      bridge.emit('mute', muteStatus({ talkingWhileMuted: true, longMute: { elapsedSec: 20, level: 1 } })),
    );
    expect(q(el, 'mute-warning-talking')?.textContent).toContain(en['mute.talking']);
    expect(q(el, 'mute-warning-long')?.textContent).toContain('20 s');
    await unmount();
  });
});

describe('notices', () => {
  it("frames the core's technical detail in the agent's language, names the dismiss button, and keeps hostile detail as text", async () => {
    const { el, bridge, unmount } = await mount('es-MX');
    await act(async () => {
      bridge.emit('call.notice', { code: 'transfer-failed', detail: '<img src=x onerror=alert(1)> 486 Busy Here' });
      bridge.emit('call.notice', { code: 'invalid-number', detail: 'abc#' });
    });
    const items = [...el.querySelectorAll('[data-testid=notices] li')];
    const byCode = (c: string) => items.find((li) => li.getAttribute('data-code') === c)!;
    expect(byCode('transfer-failed').querySelector('[data-testid=notice-detail]')?.textContent).toBe(
      'Detalle para TI: <img src=x onerror=alert(1)> 486 Busy Here',
    );
    expect(byCode('transfer-failed').textContent).toContain(esMX['notice.transfer-failed']);
    expect(byCode('invalid-number').querySelector('[data-testid=notice-detail]')?.textContent).toBe('Número: abc#');
    expect(el.querySelector('img')).toBeNull();
    const dismiss = byCode('invalid-number').querySelector<HTMLButtonElement>('[data-testid=notice-dismiss]')!;
    expect(dismiss.getAttribute('aria-label')).toBe(esMX['notice.dismiss']);
    await act(async () => dismiss.click());
    // Only the one dismissed goes, even when both arrived in the same millisecond.
    expect([...el.querySelectorAll('[data-testid=notices] li')].map((li) => li.getAttribute('data-code'))).toEqual([
      'transfer-failed',
    ]);
    await unmount();
  });
});

describe('layout for a shift', () => {
  it('keeps the status bar in every view and shows History and Settings as views of their own', async () => {
    const { el, unmount } = await mount('es-MX');
    const bar = q(el, 'status-bar')!;
    expect(bar.contains(q(el, 'registration-state'))).toBe(true);
    expect(bar.contains(q(el, 'mute-indicator'))).toBe(true);
    expect([...q(el, 'views')!.querySelectorAll('button')].map((b) => b.textContent)).toEqual([
      esMX['views.phone'],
      esMX['views.history'],
      esMX['views.settings'],
    ]);
    // Each nav button's icon is hidden from screen readers; the word names the button.
    expect(q(el, 'view-history')?.querySelector('svg')?.getAttribute('aria-hidden')).toBe('true');
    await click(q(el, 'view-history'));
    expect(q(el, 'view-phone-panels')?.hasAttribute('hidden')).toBe(true);
    expect(q(el, 'view-history-panels')?.hasAttribute('hidden')).toBe(false);
    expect(q(el, 'view-history-panels')?.contains(q(el, 'history'))).toBe(true);
    expect(q(el, 'view-history')?.getAttribute('aria-current')).toBe('page');
    await click(q(el, 'view-settings'));
    expect(q(el, 'view-history-panels')?.hasAttribute('hidden')).toBe(true);
    for (const id of ['account-server', 'audio-devices', 'headset-check', 'shortcuts', 'language-select']) {
      expect(q(el, 'view-settings-panels')?.contains(q(el, id)), id).toBe(true);
    }
    expect(bar.contains(q(el, 'mute-indicator'))).toBe(true);
    await unmount();
  });

  it("shows the time in state, each call's handle time, the keypad on demand, and the screen pop by the note", async () => {
    const { el, bridge, unmount } = await mount('en');
    const since = Date.now() - 75_000;
    await act(async () => bridge.emit('agent', agentView({ state: 'available', since })));
    expect(q(el, 'agent-time')?.textContent).toBe('1:15');
    await act(async () =>
      bridge.emit(
        'calls',
        callsSnapshot(
          callView('c1', {
            state: 'active',
            startedAt: Date.now() - 200_000,
            answeredAt: Date.now() - 3_723_000,
            screenPop: [{ header: 'X-Account-Id', value: '4815-1623' }],
          }),
        ),
      ),
    );
    expect(q(el, 'call-handle-time')?.textContent).toBe('1:02:03');
    // The caller's data sits in the customer column, by the note, labelled by its header.
    const pop = q(el, 'customer')!.querySelector('[data-testid=screen-pop] [data-header="X-Account-Id"]');
    expect(pop?.querySelector('dt')?.textContent).toBe('X-Account-Id');
    expect(pop?.querySelector('dd')?.textContent).toBe('4815-1623');
    expect(q(el, 'call')?.querySelector('[data-testid=screen-pop]')).toBeNull();
    // Keypad on demand: closed until asked for, then the digits.
    const toggle = q(el, 'call-keypad') as HTMLButtonElement;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(q(el, 'dtmf-5')).toBeNull();
    await click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(q(el, 'dtmf-5')).not.toBeNull();
    expect(document.getElementById(toggle.getAttribute('aria-controls')!)).toBe(q(el, 'dtmf-5')?.parentElement);
    await unmount();
  });

  it('shows the after-call countdown in the status bar from every view', async () => {
    const { el, bridge, unmount } = await mount('es-ES');
    await act(async () =>
      bridge.emit('agent', inAfterCallWork('c1', { startedAt: Date.now(), endsAt: Date.now() + 90_500 })),
    );
    await click(q(el, 'view-settings'));
    const acw = q(el, 'status-acw');
    expect(acw?.textContent).toContain(esES['acw.timeLeft']);
    expect(acw?.querySelector('[role=timer]')?.textContent).toMatch(/^1:(30|31)$/);
    await unmount();
  });

  it('says "On a call" while the core says the agent is talking, timed from the answer, and the state again after', async () => {
    const { el, bridge, unmount } = await mount('es-MX');
    const answered = Date.now() - 65_000;
    await act(async () =>
      bridge.emit('agent', agentView({ state: 'available', since: 0, onCall: { since: answered } })),
    );
    const state = q(el, 'agent-state')!;
    expect(state.textContent).toBe(esMX['agent.onCall']);
    expect(state.getAttribute('data-state')).toBe('available');
    expect(state.getAttribute('data-on-call')).toBe('true');
    expect(q(el, 'agent-time')?.textContent).toBe('1:05');
    // The choice for after the call stays in the select.
    expect((q(el, 'agent-select') as HTMLSelectElement).value).toBe('available');
    await act(async () => bridge.emit('agent', inAfterCallWork('c1', { startedAt: Date.now() })));
    expect(q(el, 'agent-state')?.textContent).toBe(esMX['agent.state.acw']);
    expect(q(el, 'agent-state')?.getAttribute('data-on-call')).toBe('false');
    await unmount();
  });

  it('announces ringing, the answer, hold, resume and the end of a call in one polite status', async () => {
    const { el, bridge, unmount } = await mount('en');
    const announce = () => q(el, 'call-announce');
    expect(announce()?.getAttribute('role')).toBe('status');
    expect(announce()?.textContent).toBe('');
    const remote = { name: 'Ana Ruiz', number: '1005' };
    const say = async (over: Parameters<typeof callView>[1]) => {
      await act(async () => bridge.emit('calls', callsSnapshot(callView('c1', { remote, ...over }))));
      return announce()?.textContent;
    };
    expect(await say({ state: 'ringing' })).toBe('Incoming call from Ana Ruiz');
    expect(await say({ state: 'active', answeredAt: Date.now() })).toBe('In call with Ana Ruiz');
    // A quality sample or a clock tick changes the call, not its state: nothing new is said.
    expect(await say({ state: 'active', answeredAt: Date.now(), held: false })).toBe('In call with Ana Ruiz');
    expect(await say({ state: 'held', held: true, heldAt: Date.now() })).toBe('Call with Ana Ruiz on hold');
    expect(await say({ state: 'active', answeredAt: Date.now() })).toBe('In call with Ana Ruiz');
    expect(await say({ state: 'ended', endReason: 'remote-hangup' })).toBe(
      `Call with Ana Ruiz ended: ${en['call.end.remote-hangup']}`,
    );
    // The card list itself is no live region (the status above says it once).
    expect(el.querySelector('.call-list')?.hasAttribute('aria-live')).toBe(false);
    await unmount();
  });

  it('labels the dial field above it and gives the hint as its description, not as a placeholder', async () => {
    const { el, unmount } = await mount('es-MX');
    const dial = q(el, 'dial-input') as HTMLInputElement;
    expect(dial.labels?.[0]?.textContent).toBe(esMX['call.dial']);
    expect(dial.placeholder).toBe('');
    expect(document.getElementById(dial.getAttribute('aria-describedby')!)?.textContent).toBe(esMX['call.dialHint']);
    await unmount();
  });
});
