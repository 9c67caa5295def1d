import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = path.join(os.tmpdir(), 'diadema-audio-fixtures');

/**
 * Audio made at test time with sox (no binary fixtures in the repository): a steady tone is the easiest signal
 * to recognise at the far end as "audio above silence". 16-bit PCM WAV, as Chromium's fake capture wants.
 */
export function toneWav(freq = 440, seconds = 20, rate = 48000): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `tone-${freq}-${seconds}-${rate}.wav`);
  if (!existsSync(file))
    execFileSync('sox', [
      '-n',
      '-r',
      String(rate),
      '-c',
      '1',
      '-b',
      '16',
      file,
      'synth',
      String(seconds),
      'sine',
      String(freq),
      'vol',
      '0.5',
    ]);
  return file;
}

/** The same tone as 8 kHz mono μ-law raw audio wrapped in WAV, for SIPp's play_pcap-free RTP (see sipp scenarios). */
export function silenceWav(seconds = 20, rate = 48000): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `silence-${seconds}-${rate}.wav`);
  if (!existsSync(file))
    execFileSync('sox', ['-n', '-r', String(rate), '-c', '1', '-b', '16', file, 'trim', '0', String(seconds)]);
  return file;
}
