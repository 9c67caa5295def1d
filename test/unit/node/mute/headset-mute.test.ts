import { describe, expect, it } from 'vitest';
import type { CallNotice } from '@common/contract/calls';
import { HeadsetMute } from '../../../../electron/node/mute/headset-mute';
import { MuteState } from '../../../../electron/node/mute/mute-state';

function setup(inConversation: boolean) {
  const mute = new MuteState({ onCallStart: () => 'unmuted' });
  const notices: CallNotice[] = [];
  const h = new HeadsetMute({ inConversation: () => inConversation, mute, notice: (n) => notices.push(n) });
  return { h, mute, notices };
}

describe('headset mute', () => {
  it('during a call, a request mutes with source headset and says nothing', () => {
    const { h, mute, notices } = setup(true);
    h.request(true);
    expect(mute.muted).toBe(true);
    expect(notices).toEqual([]);
  });

  it('with no call, a request or a press the headset refused is announced, once each, and mutes nothing', () => {
    const { h, mute, notices } = setup(false);
    h.request(true);
    expect(notices).toEqual([{ code: 'mute-on-hook' }]);
    h.refused();
    expect(notices).toEqual([{ code: 'mute-on-hook' }, { code: 'mute-on-hook' }]);
    expect(mute.muted).toBe(false);
  });
});
