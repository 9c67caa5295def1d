import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { esMX } from '../../../renderer/src/i18n/es-MX';
import { mountApp } from '../../support/render-ui';
import { callView, callsSnapshot } from '../../support/views';

const q = (el: Element, id: string) => el.querySelector(`[data-testid="${id}"]`);

afterEach(() => {
  document.body.innerHTML = '';
});

describe('signalling outage under a call', () => {
  it('says the audio continues and how long the call can wait, only while a call is kept', async () => {
    const { el, bridge, unmount } = await mountApp({ language: 'es-MX' });
    const until = Date.now() + 20_500;
    await act(async () =>
      bridge.emit('registration', { state: 'reconnecting', reason: 'unreachable', callsKeptUntil: until }),
    );
    // No call up: nothing is kept, nothing to say beyond the registration state.
    expect(q(el, 'signalling-banner')).toBeNull();
    await act(async () => bridge.emit('calls', callsSnapshot(callView('c1', { state: 'active' }))));
    const banner = q(el, 'signalling-banner');
    expect(banner?.getAttribute('role')).toBe('alert');
    expect(banner?.textContent).toContain(esMX['call.signallingDown']);
    expect(banner?.textContent).toContain(esMX['call.signallingDownUntil'].replace('{{sec}}', '21'));
    await act(async () => bridge.emit('registration', { state: 'registered' }));
    expect(q(el, 'signalling-banner')).toBeNull();
    await unmount();
  });
});
