import { Core, Web } from 'sip.js';
import type { CallsSnapshot, MediaRequest, MediaResponse, QualitySample } from '@common/contract/calls';
import { isInConversation } from '@common/calls/call-state';
import type { ContractClient, EventName, EventPayload } from '@common/contract/contract';
import type { MuteStatus } from '@common/contract/mute';
import { ignorePromise } from '@common/ignore-promise';
import { readCallStats } from './call-stats';
import type { DeviceChoice } from './device-choice';
import { routeOutput, switchMicrophone } from './device-routing';
import { Ringer } from './ringer';

export interface AudioPrefs {
  microphone: DeviceChoice | null;
  speaker: DeviceChoice | null;
  ringer: DeviceChoice | null;
  ringOnSpeakers: boolean;
  /** Call volume, percent. */ volume: number;
}

export interface MediaHostDeps {
  client: Pick<ContractClient, 'media.attach' | 'media.respond' | 'media.stats' | 'calls.get' | 'mute.status'>;
  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void;
  prefs(): AudioPrefs;
  doc: Document;
  statsIntervalMs?: number;
}

const devicePrefsKey = (p: AudioPrefs): string => JSON.stringify([p.microphone, p.speaker, p.ringer, p.ringOnSpeakers]);
const volumeOf = (p: AudioPrefs): number =>
  Math.min(1, Math.max(0, (Number.isFinite(p.volume) ? p.volume : 100) / 100));

interface CallMedia {
  sdh: Web.SessionDescriptionHandler;
  audio: HTMLAudioElement;
  held: boolean;
  heldBeforeOffer?: boolean;
  counters?: { lost: number; received: number };
  last?: Omit<QualitySample, 'mos'>;
  /** The offer applied while the call rang, until the answer: nothing is sent or played meanwhile. */
  prepared?: string;
  /** The offer is applied and the microphone open (prepare done): an answer can start from here. */
  preparedReady?: boolean;
  /** The local answer, started in this page when the agent answered here, before the core asks for it. */
  localAnswer?: Promise<{ body: string; contentType: string }>;
  /** Closed: a microphone that opens after this is stopped at once. */
  closed: boolean;
}

/**
 * The renderer side of the media bridge: one SIP.js WebRTC handler per call, created when the core first asks
 * for it and closed when the core says so. It applies the core's mute to the sender tracks after every
 * negotiation (SIP.js re-enables tracks on its own), plays the far end on the chosen speaker, rings on the
 * chosen ringer, and reports getStats figures back to the core.
 */
export class MediaHost {
  private readonly calls = new Map<string, CallMedia>();
  private readonly logger = new Core.LoggerFactory().getLogger('sip.sdh');
  private muted = false;
  private snapshot: CallsSnapshot = { calls: [] };
  private readonly unsubscribe: Array<() => void> = [];
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private readonly ringer: Ringer;
  private deviceWork: Promise<void> = Promise.resolve();
  private devicePrefs = '';

  constructor(private readonly d: MediaHostDeps) {
    this.ringer = new Ringer(d.doc);
    d.doc.defaultView?.navigator.mediaDevices?.addEventListener?.('devicechange', () => void this.applyDevices());
  }

  async start(): Promise<void> {
    this.unsubscribe.push(this.d.on('media.request', (r) => void this.handle(r)));
    this.unsubscribe.push(this.d.on('calls', (s) => this.onCalls(s)));
    // Every mute status is applied again: after a mismatch the core re-sends it for exactly that.
    this.unsubscribe.push(this.d.on('mute', (m) => this.onMute(m)));
    this.unsubscribe.push(
      this.d.on('settings', () => {
        this.applyVolume();
        this.onDevicePrefs();
      }),
    );
    this.devicePrefs = devicePrefsKey(this.d.prefs());
    // A new or reloaded renderer learns the mute state before it negotiates any media (never unmutes silently).
    const [calls, mute] = await Promise.all([this.d.client['calls.get']({}), this.d.client['mute.status']({})]);
    this.onMute(mute);
    this.onCalls(calls);
    await this.d.client['media.attach']({});
    this.statsTimer = setInterval(() => void this.reportStats(), this.d.statsIntervalMs ?? 1000);
  }

  /** After the shell connection comes back, offer to host media again; the core re-negotiates if needed. */
  async reattach(): Promise<void> {
    await this.d.client['media.attach']({});
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = undefined;
    for (const id of [...this.calls.keys()]) this.closeCall(id);
    this.ringer.dispose();
  }

  /**
   * The agent answered in this page (button or shortcut): a call prepared while it rang starts its local answer now,
   * while the command travels to the core, which then finds it ready instead of asking and waiting for it. The answer
   * is not applied to the senders here: they stay silent until the core's request, as for any answer.
   */
  answerStarted(callId: string): void {
    const call = this.calls.get(callId);
    // Still being prepared (an answer the instant it rings): the core's request will build the answer after it.
    if (!call || call.closed || call.prepared === undefined || !call.preparedReady || call.localAnswer) return;
    call.localAnswer = call.sdh.getDescription({ constraints: this.constraints(), hold: false });
    // Closed before the core asked (a cancel): nobody waits for it any more.
    call.localAnswer.catch(() => undefined);
  }

  /** The mute state last applied to the sender tracks. */
  appliedMuted(): boolean {
    return this.muted;
  }

  /** The call whose sender the mute check judges: the active (else held) call that has media. */
  activeMedia(): { callId: string; pc: RTCPeerConnection; held: boolean } | undefined {
    const live = this.snapshot.calls
      .filter(isInConversation)
      .sort((a, b) => (a.state === 'active' ? -1 : 1) - (b.state === 'active' ? -1 : 1));
    for (const c of live) {
      const m = this.calls.get(c.id);
      if (m?.sdh.peerConnection) return { callId: c.id, pc: m.sdh.peerConnection, held: m.held };
    }
    return undefined;
  }

  private async handle(r: MediaRequest): Promise<void> {
    let res: MediaResponse;
    try {
      res = await this.run(r);
    } catch (err) {
      res = { reqId: r.reqId, ok: false, error: String((err as Error)?.message ?? err).slice(0, 300) };
    }
    await this.d.client['media.respond'](res).catch(() => undefined);
  }

  private async run(r: MediaRequest): Promise<MediaResponse> {
    const ok = (extra: Partial<MediaResponse> = {}): MediaResponse => ({ reqId: r.reqId, ok: true, ...extra });
    if (r.op === 'close') {
      this.closeCall(r.callId);
      return ok();
    }
    if (r.op === 'prepare') return this.prepare(r);
    const call =
      r.op === 'getDescription' || r.op === 'setDescription' ? this.ensure(r.callId) : this.calls.get(r.callId);
    if (!call) return { reqId: r.reqId, ok: false, error: 'no media for this call' };
    const hold = r.options?.hold ?? false;
    const options: Web.SessionDescriptionHandlerOptions = {
      constraints: this.constraints(),
      hold,
      ...(r.options?.iceRestart ? { offerOptions: { iceRestart: true } } : {}),
    };
    switch (r.op) {
      case 'getDescription': {
        call.heldBeforeOffer = call.held;
        const answering = call.prepared !== undefined;
        call.prepared = undefined;
        const started = !hold && !r.options?.iceRestart ? call.localAnswer : undefined;
        call.localAnswer = undefined;
        const d = await (started ?? call.sdh.getDescription(options));
        this.afterNegotiation(call, hold);
        if (answering) this.playRemote(call);
        return ok({ body: d.body, contentType: d.contentType });
      }
      case 'setDescription':
        if (!r.sdp) return { reqId: r.reqId, ok: false, error: 'no sdp' };
        // A new offer: an answer started for the one the call rang with no longer fits.
        call.localAnswer = undefined;
        // Not again when it was applied while the call rang.
        if (call.prepared !== r.sdp || call.sdh.peerConnection?.signalingState !== 'have-remote-offer')
          await call.sdh.setDescription(r.sdp, options);
        this.afterNegotiation(call, hold);
        this.playRemote(call);
        return ok();
      case 'rollback': {
        // A refused re-INVITE (hold the far end would not accept): return to the last agreed description.
        const pc = call.sdh.peerConnection;
        if (pc?.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' });
        this.afterNegotiation(call, call.heldBeforeOffer ?? false);
        return ok();
      }
      case 'sendDtmf':
        return call.sdh.sendDtmf(r.tones ?? '')
          ? ok()
          : { reqId: r.reqId, ok: false, error: 'DTMF sender unavailable' };
      default:
        return { reqId: r.reqId, ok: false, error: 'unknown op' };
    }
  }

  /**
   * While the call rings: microphone open with the sender silent, the remote offer applied, candidates gathered in
   * the peer connection's pool. The local answer is applied only when the agent answers: applied now, ICE and DTLS
   * would start towards a caller that has no answer yet (and towards every phone a forked call rings).
   */
  private async prepare(r: MediaRequest): Promise<MediaResponse> {
    if (!r.sdp) return { reqId: r.reqId, ok: false, error: 'no sdp' };
    if (this.calls.has(r.callId)) return { reqId: r.reqId, ok: false, error: 'call already has media' };
    const call = this.ensure(r.callId, { pool: true });
    call.prepared = r.sdp;
    try {
      await call.sdh.setDescription(r.sdp, { constraints: this.constraints(), hold: false });
    } catch (err) {
      this.closeCall(r.callId);
      throw err;
    }
    if (call.closed) return { reqId: r.reqId, ok: false, error: 'released while being prepared' };
    // Ringing: nothing leaves the microphone and nothing plays until the agent answers.
    call.sdh.enableSenderTracks(false);
    call.sdh.enableReceiverTracks(false);
    call.preparedReady = true;
    return { reqId: r.reqId, ok: true };
  }

  private ensure(callId: string, o: { pool?: boolean } = {}): CallMedia {
    const existing = this.calls.get(callId);
    if (existing) return existing;
    const microphone = Web.defaultMediaStreamFactory();
    const call = { held: false, closed: false } as CallMedia;
    call.sdh = new Web.SessionDescriptionHandler(
      this.logger,
      async (constraints, sdh, options) => {
        const stream = await microphone(constraints, sdh, options);
        // Released while the microphone was opening (a cancelled call): it must not stay open.
        if (call.closed) {
          for (const t of stream.getTracks()) t.stop();
          throw new Error('call media closed');
        }
        return stream;
      },
      {
        // Loopback and LAN only: no public STUN server is ever contacted. A prepared call gathers its candidates
        // while it rings, so the answer does not wait for them.
        peerConnectionConfiguration: { iceServers: [], ...(o.pool ? { iceCandidatePoolSize: 1 } : {}) },
        iceGatheringTimeout: 1000,
      },
    );
    call.audio = this.d.doc.createElement('audio');
    call.audio.autoplay = true;
    call.audio.dataset.callId = callId;
    this.d.doc.body.appendChild(call.audio);
    this.calls.set(callId, call);
    return call;
  }

  /** Hold silences both directions; mute is re-applied because negotiation may have re-enabled the track. */
  private afterNegotiation(call: CallMedia, hold: boolean): void {
    call.held = hold;
    if (!call.sdh.peerConnection) return;
    call.sdh.enableReceiverTracks(!hold);
    call.sdh.enableSenderTracks(!hold && !this.muted);
  }

  private playRemote(call: CallMedia): void {
    if (call.audio.srcObject !== call.sdh.remoteMediaStream) call.audio.srcObject = call.sdh.remoteMediaStream;
    call.audio.volume = volumeOf(this.d.prefs());
    void this.routeAudio(call.audio);
    ignorePromise(call.audio.play());
  }

  /** The headset's volume buttons and the call panel change the call volume; every call's audio follows. */
  applyVolume(): void {
    const v = volumeOf(this.d.prefs());
    for (const call of this.calls.values()) call.audio.volume = v;
  }

  private closeCall(callId: string): void {
    const call = this.calls.get(callId);
    if (!call) return;
    this.calls.delete(callId);
    call.closed = true;
    try {
      call.sdh.close();
    } catch {
      /* already closed */
    }
    call.audio.srcObject = null;
    call.audio.remove();
  }

  /** A call's microphone reaches the far end only once answered, not on hold, not muted. */
  private senderLive(call: CallMedia): boolean {
    return call.prepared === undefined && !call.held && !this.muted;
  }

  private onMute(m: MuteStatus): void {
    this.muted = m.muted;
    this.applyMute();
  }

  private applyMute(): void {
    for (const call of this.calls.values())
      if (call.sdh.peerConnection) call.sdh.enableSenderTracks(this.senderLive(call));
  }

  private onCalls(s: CallsSnapshot): void {
    this.snapshot = s;
    // Media prepared for a call that no longer rings and was not answered here is released, even when the core's
    // own word on it was lost with a connection.
    for (const [id, call] of [...this.calls]) {
      if (call.prepared === undefined) continue;
      const view = s.calls.find((c) => c.id === id);
      if (!view || view.state === 'ended') this.closeCall(id);
    }
    this.applyMute();
    const ringing = s.calls.some((c) => c.state === 'ringing');
    const prefs = this.d.prefs();
    if (ringing) void this.ringer.start(prefs.ringer, prefs.ringOnSpeakers);
    else this.ringer.stop();
  }

  private constraints(): MediaStreamConstraints {
    const mic = this.d.prefs().microphone;
    return { audio: mic ? { deviceId: { ideal: mic.id } } : true, video: false };
  }

  private async routeAudio(el: HTMLAudioElement): Promise<void> {
    const devices = (await this.d.doc.defaultView?.navigator.mediaDevices?.enumerateDevices().catch(() => [])) ?? [];
    await routeOutput(el, devices, this.d.prefs().speaker);
  }

  /** A device choice changed in settings (the devices screen): apply it to the ringer and to live calls. */
  private onDevicePrefs(): void {
    const key = devicePrefsKey(this.d.prefs());
    if (key === this.devicePrefs) return;
    this.devicePrefs = key;
    void this.applyDevices();
  }

  /**
   * Plug, unplug or a new choice: ring and play on what is chosen and there now; switch the microphone mid-call
   * with replaceTrack, no re-INVITE (a vanished microphone falls back to the default). One pass at a time.
   */
  applyDevices(): Promise<void> {
    this.deviceWork = this.deviceWork.then(() => this.applyDevicesNow()).catch(() => undefined);
    return this.deviceWork;
  }

  private async applyDevicesNow(): Promise<void> {
    const md = this.d.doc.defaultView?.navigator.mediaDevices;
    if (!md) return;
    const devices = await md.enumerateDevices();
    const prefs = this.d.prefs();
    await this.ringer.reroute(prefs.ringer, prefs.ringOnSpeakers);
    for (const call of this.calls.values()) {
      await routeOutput(call.audio, devices, prefs.speaker);
      const sender = call.sdh.peerConnection?.getSenders().find((x) => x.track?.kind === 'audio');
      await switchMicrophone({
        sender,
        local: call.sdh.localMediaStream,
        devices,
        choice: prefs.microphone,
        getUserMedia: (c) => md.getUserMedia(c),
        enabled: this.senderLive(call),
      }).catch(() => undefined);
    }
  }

  private async reportStats(): Promise<void> {
    for (const [callId, call] of this.calls) {
      const pc = call.sdh.peerConnection;
      if (!pc || pc.connectionState === 'closed') continue;
      const { sample, counters } = await readCallStats(pc, call.counters).catch(() => ({
        sample: undefined,
        counters: undefined,
      }));
      if (!sample || !counters) continue;
      call.counters = counters;
      call.last = sample;
      await this.d.client['media.stats']({ callId, sample: { ...sample, mos: 0 } }).catch(() => undefined);
    }
  }
}
