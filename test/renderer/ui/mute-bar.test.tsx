import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { esMX } from '../../../renderer/src/i18n/es-MX';
import { MuteBar } from '../../../renderer/src/ui/MuteBar';
import { fakeBridge } from '../../support/fake-bridge';
import { renderUi } from '../../support/render-ui';
import { callView, callsSnapshot, muteStatus } from '../../support/views';

async function mount(compact = false) {
  document.title = 'Diadema';
  const bridge = fakeBridge();
  return { bridge, ...(await renderUi(<MuteBar compact={compact} />, { bridge, language: 'es-MX' })) };
}
const q = (el: Element, id: string) => el.querySelector(`[data-testid="${id}"]`);
const inCall = callsSnapshot(callView('c1'));

afterEach(() => {
  document.body.innerHTML = '';
  document.title = 'Diadema';
});

describe('mute bar', () => {
  it('says plainly why the detector is off and that the agent is still muted; shows a corrected mismatch', async () => {
    const { el, bridge } = await mount();
    await act(async () => {
      bridge.emit('calls', inCall);
      bridge.emit(
        'mute',
        muteStatus({
          analysisFailed: true,
          analysisError: 'microphone-lost',
          lastMismatch: { kind: 'track-enabled-while-muted', at: 1 },
          reapplied: 1,
        }),
      );
    });
    const failed = q(el, 'mute-analysis-failed');
    expect(failed?.getAttribute('role')).toBe('alert');
    expect(failed?.textContent).toContain(esMX['mute.analysisError.microphone-lost']);
    expect(failed?.textContent).toContain(esMX['mute.stillMuted']);
    expect(q(el, 'mute-corrected')?.getAttribute('data-kind')).toBe('track-enabled-while-muted');
    // State in words and in the window title, not colour alone.
    expect(q(el, 'mute-indicator')?.textContent).toContain(esMX['mute.on']);
    expect(document.title).toBe(`[${esMX['mute.on']}] Diadema`);
    await act(async () => {
      bridge.emit('mute', muteStatus({ talkingWhileMuted: true }));
    });
    expect(document.title).toBe(`[${esMX['mute.titleTalking']}] Diadema`);
    expect(q(el, 'mute-warning-unmute')?.textContent).toBe(esMX['mute.unmuteNow']);
  });

  it("shows the core's refusal of a headset mute press with no call, and never decides it from the button itself", async () => {
    const { el, bridge } = await mount();
    // The button event alone says nothing: only the core knows whether there was a call to mute.
    await act(async () => {
      bridge.emit('headset.button', { usage: 'phoneMute', value: 1 });
    });
    expect(q(el, 'mute-headset-on-hook')).toBeNull();
    await act(async () => {
      bridge.emit('call.notice', { code: 'mute-on-hook' });
    });
    expect(q(el, 'mute-headset-on-hook')?.textContent).toContain(esMX['notice.mute-on-hook']);
    expect(q(el, 'mute-indicator')?.getAttribute('data-muted')).toBe('false');
    await act(async () => {
      bridge.emit('calls', inCall);
    });
    expect(q(el, 'mute-headset-on-hook')).toBeNull();
  });

  it('takes the mute state from the mute status, and "hold instead" is one request to the core', async () => {
    const { el, bridge } = await mount();
    await act(async () => {
      bridge.emit('calls', inCall);
      bridge.emit('mute', muteStatus({ muted: true, longMute: { elapsedSec: 40, level: 1 } }));
    });
    expect(q(el, 'mute-indicator')?.getAttribute('data-muted')).toBe('true');
    const before = bridge.calls.length;
    await act(async () => {
      (q(el, 'mute-hold-instead') as HTMLButtonElement).click();
    });
    expect(bridge.calls.slice(before)).toEqual(['call.action']);
    await act(async () => {
      bridge.emit('mute', muteStatus({ muted: false, source: 'ui' }));
    });
    expect(q(el, 'mute-indicator')?.getAttribute('data-muted')).toBe('false');
  });

  it('the mini bar is compact and leaves the window title alone', async () => {
    const { el, bridge } = await mount(true);
    await act(async () => {
      bridge.emit('calls', inCall);
      bridge.emit('mute', muteStatus({ longMute: { elapsedSec: 40, level: 3 } }));
    });
    expect(q(el, 'mute-bar')?.className).toContain('compact');
    expect(q(el, 'mute-warning-long')?.getAttribute('data-level')).toBe('3');
    expect(document.title).toBe('Diadema');
  });
});
