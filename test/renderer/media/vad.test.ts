import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VoiceActivityDetector } from '../../../renderer/src/media/vad';
import { scoreClip } from '../../support/vad-eval';
import { clipSet, readWav, speechClip } from '../../support/voice-clips';

// Clips are generated here with espeak-ng and sox (see test/support/voice-clips.ts) and decoded from WAV.
const clips = clipSet(12);
const speechStartMs = 300; // every speech clip is padded with 0.3 s of silence

describe('voice-activity detector on generated clips', () => {
  for (const clip of clips.filter((c) => c.speech)) {
    it(`hears ${clip.name} (${clip.note}) within 1 s of onset`, () => {
      const s = scoreClip(clip);
      expect(s.firstDetectionMs).toBeDefined();
      expect(s.firstDetectionMs! - speechStartMs).toBeLessThan(1000);
      expect(s.flaggedWindows / s.windows).toBeGreaterThanOrEqual(0.8);
    });
  }
  for (const clip of clips.filter((c) => !c.speech)) {
    it(`ignores ${clip.name} (${clip.note})`, () => {
      expect(scoreClip(clip).flaggedWindows).toBe(0);
    });
  }

  it('sensitivity orders the share of frames taken for speech', () => {
    const { rate, samples } = readWav(clips.find((c) => c.name === 'speech-en-quiet')!.file);
    const voiced = (s: 'low' | 'medium' | 'high') =>
      new VoiceActivityDetector(rate, s).push(samples).filter((f) => f.voiced).length;
    const [low, medium, high] = [voiced('low'), voiced('medium'), voiced('high')];
    expect(low).toBeLessThan(medium);
    expect(medium).toBeLessThan(high);
  });

  it('works at telephone and wideband input rates, fed in odd block sizes', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-vad-'));
    for (const rate of [8000, 16000, 44100]) {
      const file = path.join(dir, `es-${rate}.wav`);
      execFileSync('sox', [
        speechClip('es-419', ['Un momento por favor, ya casi termino con su solicitud.'], 6, -6, 'es-short'),
        '-r',
        String(rate),
        file,
      ]);
      const w = readWav(file);
      const vad = new VoiceActivityDetector(w.rate);
      const frames = [];
      for (let i = 0; i < w.samples.length; i += 333) frames.push(...vad.push(w.samples.subarray(i, i + 333)));
      expect(frames.some((f) => f.speech)).toBe(true);
      expect(frames.at(-1)!.atMs).toBeGreaterThan(5500);
    }
  });

  it('goes quiet again after speech stops (hangover under a second)', () => {
    const { rate, samples } = readWav(clips.find((c) => c.name === 'speech-en')!.file);
    const silence = new Float32Array(rate * 2);
    const vad = new VoiceActivityDetector(rate);
    vad.push(samples.subarray(0, rate * 3));
    expect(vad.speaking).toBe(true);
    const after = vad.push(silence);
    const quietAt = after.find((f) => !f.speech);
    expect(quietAt).toBeDefined();
    expect(quietAt!.atMs - 3000).toBeLessThan(1000);
  });

  it('refuses input it cannot analyse', () => {
    expect(() => new VoiceActivityDetector(0)).toThrow(RangeError);
    expect(() => new VoiceActivityDetector(Number.NaN)).toThrow(RangeError);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-vad-'));
    writeFileSync(path.join(dir, 'x.wav'), 'not audio at all');
    expect(() => readWav(path.join(dir, 'x.wav'))).toThrow(/not a WAV/);
  });
});
