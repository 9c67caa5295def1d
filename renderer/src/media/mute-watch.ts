import { isInConversation } from '@common/calls/call-state';
import type { CallsSnapshot } from '@common/contract/calls';
import type { ContractClient, EventName, EventPayload } from '@common/contract/contract';
import type { MuteStatus } from '@common/contract/mute';
import { MicAnalysis } from './mic-analysis';
import { MuteReporter, type ActiveMedia } from './mute-reporter';
import type { VadSensitivity } from './vad';
import { WarningTone } from './warning-tone';

export interface MuteWatchDeps {
  client: Pick<ContractClient, 'mute.report'>;
  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void;
  doc: Document;
  media: { activeMedia(): ActiveMedia | undefined; appliedMuted(): boolean };
  /** The call microphone's device id, to analyse the same microphone. */
  microphoneId(): string | undefined;
  /** The output the agent hears the call on (for the warning tone). */
  speakerId(): Promise<string | undefined>;
  setting<T>(key: 'mute.vadSensitivity' | 'mute.warningSound' | 'calls.prepareWhileRinging'): T | undefined;
  reportIntervalMs?: number;
}

/** How long after a ring the analysis microphone opens: after the ringing card's frame, long before an answer. */
export const ringingStartDelayMs = 50;

/**
 * The renderer half of a mute agents can trust: runs the microphone analysis path while a call is up, sends the
 * measurements to the core (after each change, on each speech start/stop, and every second), and plays the
 * optional soft tone in the agent's ear when the core raises a talking-while-muted or long-mute warning.
 */
export class MuteWatch {
  readonly analysis: MicAnalysis;
  private readonly reporter: MuteReporter;
  private readonly tone: WarningTone;
  private readonly off: Array<() => void> = [];
  private lastMuted: boolean | undefined;
  private lastWarn = { talking: false, level: 0 };

  constructor(private readonly d: MuteWatchDeps) {
    const win = d.doc.defaultView;
    const AC = win?.AudioContext;
    this.analysis = new MicAnalysis({
      mediaDevices: win?.navigator.mediaDevices,
      createContext: AC ? () => new AC() : undefined,
      deviceId: d.microphoneId,
      sensitivity: () => d.setting<VadSensitivity>('mute.vadSensitivity') ?? 'medium',
    });
    this.reporter = new MuteReporter({
      client: d.client,
      active: () => d.media.activeMedia(),
      appliedMuted: () => d.media.appliedMuted(),
      analysis: () => this.analysis.snapshot(),
      intervalMs: d.reportIntervalMs ?? 1000,
    });
    this.tone = new WarningTone(d.doc, d.speakerId);
  }

  start(): void {
    this.off.push(this.d.on('calls', (s) => this.onCalls(s)));
    this.off.push(this.d.on('mute', (m) => this.onMute(m)));
    // Speech starting or stopping, and the analysis failing, go to the core at once (the 1 s warning budget).
    this.off.push(this.analysis.onChange(() => this.reporter.kick()));
    // A microphone plugged back in: the analysis path tries again.
    this.d.doc.defaultView?.navigator.mediaDevices?.addEventListener?.('devicechange', this.startIfWanted);
    this.reporter.start();
  }

  stop(): void {
    for (const f of this.off.splice(0)) f();
    this.d.doc.defaultView?.navigator.mediaDevices?.removeEventListener?.('devicechange', this.startIfWanted);
    this.reporter.stop();
    this.analysis.stop();
    this.tone.dispose();
  }

  /** A microphone plugged back in, or a ring's delayed start: the analysis path starts if a call still wants it. */
  private readonly startIfWanted = () => {
    if (this.wanted && !this.analysis.active) void this.analysis.start();
  };
  private wanted = false;

  private onCalls(s: CallsSnapshot): void {
    const was = this.wanted;
    // In a call; and already while one rings when its media is prepared while ringing (the microphone is open
    // then anyway): opening the analysis microphone and its audio context is then not on the answer's path.
    // Reports go to the core only for a call in conversation, so nothing is judged before the answer.
    const talking = s.calls.some(isInConversation);
    const prepare = this.d.setting<boolean>('calls.prepareWhileRinging') !== false;
    this.wanted = talking || (prepare && s.calls.some((c) => c.state === 'ringing'));
    // Start with each call (a failure is retried at the next call or when a device appears, not in a loop).
    if (this.wanted && !this.analysis.active && (!was || !this.analysis.snapshot().error)) {
      // For a call that only rings, after the ringing card is painted: opening a microphone and an audio context
      // costs the page a millisecond or two in the very task that shows the ring.
      if (talking) void this.analysis.start();
      else setTimeout(this.startIfWanted, ringingStartDelayMs);
    }
    if (!this.wanted) this.analysis.stop();
  }

  private onMute(m: MuteStatus): void {
    // The media host applied the new state in its own listener (registered first): report what it did.
    if (m.muted !== this.lastMuted) {
      this.lastMuted = m.muted;
      setTimeout(() => this.reporter.kick(), 0);
    }
    const talking = m.talkingWhileMuted;
    const level = m.longMute?.level ?? 0;
    const sound = this.d.setting<boolean>('mute.warningSound') === true;
    if (sound && talking && !this.lastWarn.talking) void this.tone.play(1);
    if (sound && level > this.lastWarn.level) void this.tone.play(Math.min(3, level));
    this.lastWarn = { talking, level };
  }
}
