import type { ContractClient } from '@common/contract/contract';
import type { MuteReport } from '@common/contract/mute';
import type { MicAnalysisState } from './mic-analysis';

export interface ActiveMedia {
  callId: string;
  pc: RTCPeerConnection;
  held: boolean;
}

export interface MuteReporterDeps {
  client: Pick<ContractClient, 'mute.report'>;
  /** The call whose sender is judged (the active or held call with media), if any. */
  active(): ActiveMedia | undefined;
  /** The mute state this renderer last applied to the sender tracks. */
  appliedMuted(): boolean;
  analysis(): MicAnalysisState;
  intervalMs?: number;
}

interface EnergyMark {
  energy: number;
  duration: number;
}

/** What leaves towards the far end: the audio sender's track and the level getStats measures at its source. */
export async function measureSender(
  pc: RTCPeerConnection,
  previous?: EnergyMark,
): Promise<{ trackEnabled: boolean; level: number; mark?: EnergyMark }> {
  const sender = pc.getSenders().find((s) => s.track?.kind === 'audio');
  const track = sender?.track;
  const trackEnabled = Boolean(track && track.enabled && track.readyState === 'live');
  let level: number | undefined;
  let mark: EnergyMark | undefined;
  const stats = await (sender ? sender.getStats() : pc.getStats());
  stats.forEach((s: Record<string, unknown>) => {
    if (s.type !== 'media-source' || (s.kind ?? 'audio') !== 'audio') return;
    if (typeof s.audioLevel === 'number') level = s.audioLevel;
    if (typeof s.totalAudioEnergy === 'number' && typeof s.totalSamplesDuration === 'number')
      mark = { energy: s.totalAudioEnergy, duration: s.totalSamplesDuration };
  });
  // Without audioLevel, the RMS over the interval from the energy counters (energy = Σ level² · duration).
  if (level === undefined && mark && previous && mark.duration > previous.duration) {
    level = Math.sqrt(Math.max(0, mark.energy - previous.energy) / (mark.duration - previous.duration));
  }
  return { trackEnabled, level: Math.min(1, Math.max(0, level ?? 0)), ...(mark ? { mark } : {}) };
}

/**
 * Sends `mute.report` after every mute change (`kick`) and every second during a call: the real sender-track
 * state, the outbound level from getStats, the raw microphone level and speech flag from the analysis path,
 * and whether that path is running. The core judges it against the one mute state.
 */
export class MuteReporter {
  private timer: ReturnType<typeof setInterval> | undefined;
  private mark: EnergyMark | undefined;
  private markCall: string | undefined;
  private busy = false;
  private again = false;

  constructor(private readonly d: MuteReporterDeps) {}

  start(): void {
    this.timer ??= setInterval(() => void this.report(), this.d.intervalMs ?? 1000);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Report now (coalesced with one in flight). */
  kick(): void {
    void this.report();
  }

  async report(): Promise<MuteReport | undefined> {
    if (this.busy) {
      this.again = true;
      return undefined;
    }
    this.busy = true;
    try {
      const media = this.d.active();
      if (!media || media.pc.connectionState === 'closed') return undefined;
      const appliedMuted = this.d.appliedMuted();
      if (this.markCall !== media.callId) {
        this.mark = undefined;
        this.markCall = media.callId;
      }
      const sender = await measureSender(media.pc, this.mark);
      this.mark = sender.mark;
      const a = this.d.analysis();
      const failed = !a.running && a.error !== undefined;
      const report: MuteReport = {
        callId: media.callId,
        trackEnabled: sender.trackEnabled,
        outboundLevel: sender.level,
        micLevel: Math.min(1, a.level),
        speech: a.running && a.speech,
        appliedMuted,
        ...(failed ? { analysisFailed: true, analysisError: a.error } : {}),
      };
      await this.d.client['mute.report'](report).catch(() => undefined);
      return report;
    } catch {
      return undefined;
    } finally {
      this.busy = false;
      if (this.again) {
        this.again = false;
        void this.report();
      }
    }
  }
}
