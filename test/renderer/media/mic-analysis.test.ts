import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MicAnalysis } from '../../../renderer/src/media/mic-analysis';
import { FakeMediaDevices } from '../../support/fake-media-devices';

// The microphone analysis path (renderer/src/media/mic-analysis.ts): stopping it while it is still starting must
// leave no microphone capture, AudioContext or poll interval behind.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** An AudioContext that starts suspended (Chromium's autoplay policy) and resumes when the test says so. */
class SuspendedContext {
  state: AudioContextState = 'suspended';
  closed = false;
  readonly sampleRate = 48_000;
  currentTime = 0;
  private resumed: (() => void) | undefined;
  resume(): Promise<void> {
    return new Promise((r) => {
      this.resumed = () => {
        this.state = 'running';
        r();
      };
    });
  }
  allowResume(): void {
    this.resumed?.();
  }
  async close(): Promise<void> {
    this.closed = true;
    this.state = 'closed';
  }
  createMediaStreamSource() {
    return { connect: () => undefined };
  }
  createAnalyser() {
    return { fftSize: 2048, smoothingTimeConstant: 0.8, getFloatTimeDomainData: () => undefined };
  }
}

describe('microphone analysis', () => {
  it('stopped while its AudioContext waits to resume: the capture is stopped, the context closed, nothing polls', async () => {
    const devices = new FakeMediaDevices();
    devices.plug({ deviceId: 'mic', label: 'Headset mic', kind: 'audioinput' });
    const contexts: SuspendedContext[] = [];
    const analysis = new MicAnalysis({
      mediaDevices: devices as unknown as MediaDevices,
      createContext: () => {
        const c = new SuspendedContext();
        contexts.push(c);
        return c as unknown as AudioContext;
      },
      deviceId: () => 'mic',
      sensitivity: () => 'medium',
    });
    const starting = analysis.start();
    for (let i = 0; i < 10 && contexts.length === 0; i++) await Promise.resolve();
    expect(contexts).toHaveLength(1);
    analysis.stop(); // the call ended meanwhile
    contexts[0]!.allowResume();
    await starting;
    expect(devices.tracks.map((t) => t.readyState)).toEqual(['ended']);
    expect(contexts[0]!.closed).toBe(true);
    expect(analysis.snapshot().running).toBe(false);
    expect(analysis.active).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
