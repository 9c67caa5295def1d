import { describe, expect, it } from 'vitest';
import { miniBarPlacement, miniBarVisible } from '../../../../electron/node/mute/mini-bar';
import { measureSender, MuteReporter } from '../../../../renderer/src/media/mute-reporter';
import { muteStatus } from '../../../support/views';

describe('mute mini bar (Electron shell decisions)', () => {
  it('shows during a call whenever the main window is not focused, never outside calls', () => {
    expect(miniBarVisible(muteStatus(), false)).toBe(true);
    expect(miniBarVisible(muteStatus({ muted: false }), false)).toBe(true);
    expect(miniBarVisible(muteStatus(), true)).toBe(false);
    expect(miniBarVisible(muteStatus({ inCall: false }), false)).toBe(false);
  });
  it('sits top-centre of the work area and fits small screens', () => {
    expect(miniBarPlacement({ x: 0, y: 0, width: 1920, height: 1040 })).toEqual({
      x: 700,
      y: 8,
      width: 520,
      height: 64,
    });
    expect(miniBarPlacement({ x: 100, y: 20, width: 400, height: 300 }).width).toBe(400);
  });
});

/** A PeerConnection as far as the reporter looks at it: one audio sender and its stats. */
function fakePc(
  track: { enabled: boolean; readyState: string } | null,
  stats: Array<Record<string, unknown>>,
): RTCPeerConnection {
  const report = { forEach: (f: (s: Record<string, unknown>) => void) => stats.forEach(f) };
  const sender = { track: track ? { kind: 'audio', ...track } : null, getStats: async () => report };
  return {
    connectionState: 'connected',
    getSenders: () => [sender],
    getStats: async () => report,
  } as unknown as RTCPeerConnection;
}

describe('mute reporter (renderer measurement)', () => {
  it('reads the sender track and the media-source level; an ended track is not "enabled"', async () => {
    expect(
      await measureSender(
        fakePc({ enabled: true, readyState: 'live' }, [{ type: 'media-source', kind: 'audio', audioLevel: 0.2 }]),
      ),
    ).toMatchObject({ trackEnabled: true, level: 0.2 });
    expect((await measureSender(fakePc({ enabled: true, readyState: 'ended' }, []))).trackEnabled).toBe(false);
    expect((await measureSender(fakePc(null, []))).trackEnabled).toBe(false);
  });

  it('without audioLevel, derives the level from the energy counters between two reports', async () => {
    const first = await measureSender(
      fakePc({ enabled: true, readyState: 'live' }, [
        { type: 'media-source', kind: 'audio', totalAudioEnergy: 1, totalSamplesDuration: 10 },
      ]),
    );
    expect(first.level).toBe(0);
    // 0.04 energy over 1 s = RMS 0.2.
    const second = await measureSender(
      fakePc({ enabled: true, readyState: 'live' }, [
        { type: 'media-source', kind: 'audio', totalAudioEnergy: 1.04, totalSamplesDuration: 11 },
      ]),
      first.mark,
    );
    expect(second.level).toBeCloseTo(0.2, 5);
  });

  it('sends what it measured with the state it applied and why the analysis is not running', async () => {
    const sent: unknown[] = [];
    const r = new MuteReporter({
      client: {
        'mute.report': async (x) => {
          sent.push(x);
          return {};
        },
      },
      active: () => ({
        callId: 'c1',
        pc: fakePc({ enabled: true, readyState: 'live' }, [{ type: 'media-source', kind: 'audio', audioLevel: 0.3 }]),
        held: false,
      }),
      appliedMuted: () => true,
      analysis: () => ({ running: false, level: 0, speech: false, error: 'microphone-lost' }),
    });
    await r.report();
    expect(sent).toEqual([
      {
        callId: 'c1',
        trackEnabled: true,
        outboundLevel: 0.3,
        micLevel: 0,
        speech: false,
        appliedMuted: true,
        analysisFailed: true,
        analysisError: 'microphone-lost',
      },
    ]);
    const none = new MuteReporter({
      client: {
        'mute.report': async () => {
          sent.push('x');
          return {};
        },
      },
      active: () => undefined,
      appliedMuted: () => false,
      analysis: () => ({ running: true, level: 0, speech: false }),
    });
    expect(await none.report()).toBeUndefined();
    expect(sent).toHaveLength(1);
  });
});
