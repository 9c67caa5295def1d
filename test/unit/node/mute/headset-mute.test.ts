import { describe, expect, it } from 'vitest';
import type { CallNotice } from '@common/contract/calls';
import { HeadsetMute } from '../../../../electron/node/mute/headset-mute';
import { MuteState } from '../../../../electron/node/mute/mute-state';
import { FakeClock } from '../../../support/fake-clock';

function setup(inConversation: boolean) {
  const clock = new FakeClock();
  const mute = new MuteState({ onCallStart: () => 'unmuted', clock });
  const notices: CallNotice[] = [];
  const call = { up: inConversation };
  const h = new HeadsetMute({ inConversation: () => call.up, mute, notice: (n) => notices.push(n), clock });
  return { h, mute, notices, clock, call };
}

describe('headset mute', () => {
  it('during a call, a request mutes with source headset and a press says nothing', () => {
    const { h, mute, notices } = setup(true);
    h.pressed({ usage: 'phoneMute', value: 1 });
    h.request(true);
    expect(mute.muted).toBe(true);
    expect(notices).toEqual([]);
  });

  it('with no call, refuses and announces once per press, whichever way the press arrives', () => {
    const { h, mute, notices, clock } = setup(false);
    h.pressed({ usage: 'phoneMute', value: 1 });
    h.request(true);
    h.pressed({ usage: 'phoneMute', value: 0 });
    h.pressed({ usage: 'hookSwitch', value: 1 });
    expect(mute.muted).toBe(false);
    expect(notices).toEqual([{ code: 'mute-on-hook' }]);
    clock.skip(1000);
    h.request(true);
    expect(notices).toEqual([{ code: 'mute-on-hook' }, { code: 'mute-on-hook' }]);
    expect(mute.muted).toBe(false);
  });
});
