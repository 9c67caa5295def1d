/**
 * Audio devices for renderer tests (happy-dom has none): a `navigator.mediaDevices` with devices that can be
 * plugged and unplugged (firing `devicechange`, ending the unplugged device's tracks), capture tracks that know
 * their device, RTP senders that record replaceTrack, `setSinkId` on media elements, and a minimal AudioContext.
 * `install()` puts them on the window; `uninstall()` restores what was there.
 */
export interface FakeDevice {
  deviceId: string;
  label: string;
  kind: MediaDeviceKind;
  groupId: string;
}

export class FakeTrack extends EventTarget {
  readonly kind = 'audio';
  readonly id = `track-${Math.random().toString(36).slice(2, 8)}`;
  enabled = true;
  readyState: MediaStreamTrackState = 'live';
  constructor(readonly deviceId: string) {
    super();
  }
  getSettings(): MediaTrackSettings {
    return { deviceId: this.deviceId };
  }
  stop(): void {
    this.readyState = 'ended';
  }
}

export class FakeStream {
  constructor(private tracks: FakeTrack[]) {}
  getAudioTracks(): FakeTrack[] {
    return [...this.tracks];
  }
  getTracks(): FakeTrack[] {
    return [...this.tracks];
  }
  addTrack(t: FakeTrack): void {
    this.tracks.push(t);
  }
  removeTrack(t: FakeTrack): void {
    this.tracks = this.tracks.filter((x) => x !== t);
  }
}

export class FakeSender {
  readonly replaced: FakeTrack[] = [];
  constructor(public track: FakeTrack | null) {}
  async replaceTrack(t: FakeTrack | null): Promise<void> {
    if (t) this.replaced.push(t);
    this.track = t;
  }
}

export class FakeMediaDevices extends EventTarget {
  devices: FakeDevice[] = [];
  readonly tracks: FakeTrack[] = [];
  readonly constraints: MediaStreamConstraints[] = [];

  async enumerateDevices(): Promise<MediaDeviceInfo[]> {
    return this.devices.map((d) => ({ ...d, toJSON: () => d }) as MediaDeviceInfo);
  }

  async getUserMedia(c: MediaStreamConstraints): Promise<MediaStream> {
    this.constraints.push(c);
    const wanted =
      typeof c.audio === 'object' ? (c.audio.deviceId as { exact?: string; ideal?: string } | undefined) : undefined;
    const inputs = this.devices.filter((d) => d.kind === 'audioinput');
    const id = wanted?.exact ?? wanted?.ideal;
    const device = inputs.find((d) => d.deviceId === id) ?? (wanted?.exact ? undefined : inputs[0]);
    if (!device) throw Object.assign(new Error('Requested device not found'), { name: 'NotFoundError' });
    const track = new FakeTrack(device.deviceId);
    this.tracks.push(track);
    return new FakeStream([track]) as unknown as MediaStream;
  }

  plug(...devices: Array<Omit<FakeDevice, 'groupId'> & { groupId?: string }>): void {
    this.devices.push(...devices.map((d) => ({ groupId: d.deviceId, ...d })));
    this.dispatchEvent(new Event('devicechange'));
  }

  unplug(deviceId: string): void {
    this.devices = this.devices.filter((d) => d.deviceId !== deviceId);
    for (const t of this.tracks) if (t.deviceId === deviceId) t.stop();
    this.dispatchEvent(new Event('devicechange'));
  }
}

/** What setSinkId was asked, per element (in order). */
export const sinkCalls = new WeakMap<HTMLMediaElement, string[]>();

class FakeAudioParam {
  value = 0;
  setValueAtTime(v: number): void {
    this.value = v;
  }
  cancelScheduledValues(): void {
    /* no schedule modelled: setValueAtTime applies at once */
  }
}
class FakeNode {
  connect(): void {
    /* graph not modelled */
  }
}
export class FakeAudioContext {
  static created = 0;
  static closed = 0;
  currentTime = 0;
  state: AudioContextState = 'running';
  readonly sampleRate = 48_000;
  constructor() {
    FakeAudioContext.created++;
  }
  createGain() {
    return Object.assign(new FakeNode(), { gain: new FakeAudioParam() });
  }
  createOscillator() {
    return Object.assign(new FakeNode(), {
      frequency: new FakeAudioParam(),
      start() {
        /* silent */
      },
    });
  }
  createMediaStreamSource() {
    return new FakeNode();
  }
  createAnalyser() {
    return Object.assign(new FakeNode(), {
      fftSize: 2048,
      smoothingTimeConstant: 0.8,
      getFloatTimeDomainData() {
        /* silence */
      },
    });
  }
  // A real (happy-dom) MediaStream: media elements refuse anything else as srcObject.
  createMediaStreamDestination() {
    return { stream: new MediaStream() };
  }
  async close(): Promise<void> {
    FakeAudioContext.closed++;
    this.state = 'closed';
  }
  async suspend(): Promise<void> {
    this.state = 'suspended';
  }
  async resume(): Promise<void> {
    this.state = 'running';
  }
}

export function installFakeMedia(win: Window & typeof globalThis = window): {
  devices: FakeMediaDevices;
  uninstall(): void;
} {
  const devices = new FakeMediaDevices();
  const nav = win.navigator as Navigator & { mediaDevices?: MediaDevices };
  const before = Object.getOwnPropertyDescriptor(nav, 'mediaDevices');
  Object.defineProperty(nav, 'mediaDevices', { configurable: true, value: devices });
  const proto = win.HTMLMediaElement.prototype as HTMLMediaElement & { setSinkId?: unknown; sinkId?: unknown };
  const hadSink = Object.getOwnPropertyDescriptor(proto, 'setSinkId');
  Object.defineProperty(proto, 'setSinkId', {
    configurable: true,
    value: async function setSinkId(this: HTMLMediaElement & { sinkId?: string }, id: string) {
      if (id !== '' && !devices.devices.some((d) => d.kind === 'audiooutput' && d.deviceId === id))
        throw Object.assign(new Error('not found'), { name: 'NotFoundError' });
      sinkCalls.set(this, [...(sinkCalls.get(this) ?? []), id]);
      Object.defineProperty(this, 'sinkId', { configurable: true, value: id });
    },
  });
  const hadPlay = Object.getOwnPropertyDescriptor(proto, 'play');
  Object.defineProperty(proto, 'play', { configurable: true, value: async () => undefined });
  const ctxBefore = (win as { AudioContext?: unknown }).AudioContext;
  (win as { AudioContext?: unknown }).AudioContext = FakeAudioContext;
  return {
    devices,
    uninstall() {
      if (before) Object.defineProperty(nav, 'mediaDevices', before);
      else Reflect.deleteProperty(nav, 'mediaDevices');
      if (hadSink) Object.defineProperty(proto, 'setSinkId', hadSink);
      else Reflect.deleteProperty(proto, 'setSinkId');
      if (hadPlay) Object.defineProperty(proto, 'play', hadPlay);
      (win as { AudioContext?: unknown }).AudioContext = ctxBefore;
    },
  };
}
