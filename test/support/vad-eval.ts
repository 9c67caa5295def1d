import { VoiceActivityDetector, type VadSensitivity } from '../../renderer/src/media/vad';
import { readWav, type Clip } from './voice-clips';

export interface ClipScore {
  clip: string;
  speech: boolean;
  /** Share of 1-second windows in which the detector said "speech" at least once. */
  flaggedWindows: number;
  windows: number;
  /** Time from the first speech frame (energy onset) to the first detection, ms of audio; undefined if never. */
  firstDetectionMs: number | undefined;
}

/** Feeds a WAV through the detector in 20 ms blocks (what the renderer's analyser delivers) and scores it. */
export function scoreClip(clip: Clip, sensitivity: VadSensitivity = 'medium'): ClipScore {
  const { rate, samples } = readWav(clip.file);
  const vad = new VoiceActivityDetector(rate, sensitivity);
  const block = Math.round(rate * 0.02);
  const windows = Math.floor(samples.length / rate);
  const flagged = new Set<number>();
  let first: number | undefined;
  for (let i = 0; i + block <= samples.length; i += block) {
    for (const f of vad.push(samples.subarray(i, i + block))) {
      if (f.speech) {
        flagged.add(Math.floor(f.atMs / 1000));
        first ??= f.atMs;
      }
    }
  }
  return {
    clip: clip.name,
    speech: clip.speech,
    flaggedWindows: [...flagged].filter((w) => w < windows).length,
    windows,
    firstDetectionMs: first,
  };
}
