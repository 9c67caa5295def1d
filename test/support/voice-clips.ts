import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Clips for the talking-while-muted detector, made at test time (no audio in the repository): espeak-ng speech in
 * English and Spanish, and the non-speech sounds of an agent's desk made with sox or synthesised here (keyboard
 * click trains). All 48 kHz mono 16-bit PCM WAV, as Chromium's fake capture and the unit tests want.
 */
const dir = path.join(os.tmpdir(), 'diadema-voice-clips');
const RATE = 48000;

export interface Clip {
  name: string;
  file: string;
  speech: boolean;
  note: string;
}

const en = [
  'Good morning, thank you for calling. How can I help you today?',
  'Let me check your account number. One moment please, I am looking at it now.',
  'I can see the payment arrived on Monday, so the balance is already zero.',
];
const es = [
  'Buenos días, gracias por llamar. ¿En qué le puedo ayudar hoy?',
  'Permítame revisar su número de cuenta. Un momento por favor, ya lo estoy viendo.',
  'Veo que el pago llegó el lunes, así que el saldo ya está en cero.',
];

function once(name: string, make: (file: string) => void): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.wav`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp.wav`;
    make(tmp);
    renameSync(tmp, file);
  }
  return file;
}

const sox = (...args: string[]) => execFileSync('sox', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const fmt = ['-r', String(RATE), '-c', '1', '-b', '16'];

/** espeak-ng speech: the sentences with short pauses, resampled to 48 kHz, looped/padded to `seconds`. */
export function speechClip(voice: string, text: string[], seconds = 12, gainDb = -6, tag = voice): string {
  return once(`speech-${tag}-${seconds}-${gainDb}`, (file) => {
    const raw = `${file}.espeak.wav`;
    execFileSync('espeak-ng', ['-v', voice, '-s', '150', '-w', raw, text.join(' ')]);
    sox(
      raw,
      ...fmt,
      file,
      'gain',
      '-n',
      String(gainDb),
      'pad',
      '0.3',
      '0.5',
      'repeat',
      '5',
      'trim',
      '0',
      String(seconds),
    );
  });
}

export function silenceClip(seconds = 12): string {
  // Not digital zero: a real quiet microphone has a little hiss (-70 dBFS).
  return once(`silence-${seconds}`, (file) =>
    sox('-n', ...fmt, file, 'synth', String(seconds), 'whitenoise', 'vol', '0.0003'),
  );
}

export function pinkNoiseClip(seconds = 12, vol = 0.15): string {
  return once(`pink-${seconds}-${vol}`, (file) =>
    sox('-n', ...fmt, file, 'synth', String(seconds), 'pinknoise', 'vol', String(vol)),
  );
}

/** Breathing: band-limited noise swelling and fading at 0.3 Hz (in, out). */
export function breathingClip(seconds = 12): string {
  return once(`breathing-${seconds}`, (file) =>
    sox(
      '-n',
      ...fmt,
      file,
      'synth',
      String(seconds),
      'pinknoise',
      'band',
      '800',
      '1200',
      'tremolo',
      '0.3',
      '100',
      'gain',
      '-n',
      '-20',
    ),
  );
}

/** Seeded PRNG so that every run makes the same clicks. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Keyboard typing: key presses at 4–12 per second, each a press and a release click 60–110 ms apart; a click is
 * a 4–15 ms noise burst with a fast decay and a ringing body resonance (2–5 kHz by default, as a plastic key
 * sounds; 300–900 Hz for the 'thock' of a heavy mechanical keyboard).
 */
export function typingClip(seconds = 12, seed = 7, peak = 0.5, body: [number, number] = [2000, 5000]): string {
  return once(`typing-${seconds}-${seed}-${peak}-${body.join('-')}`, (file) => {
    const rnd = prng(seed);
    const pcm = new Float64Array(seconds * RATE);
    const click = (at: number, amp: number) => {
      const len = Math.floor((0.004 + rnd() * 0.011) * RATE);
      const f = body[0] + rnd() * (body[1] - body[0]);
      const tau = len / 4;
      for (let i = 0; i < len * 3 && at + i < pcm.length; i++) {
        const env = Math.exp(-i / tau);
        pcm[at + i]! += amp * env * ((rnd() * 2 - 1) * 0.6 + 0.4 * Math.sin((2 * Math.PI * f * i) / RATE));
      }
    };
    for (let t = 0.2 * RATE; t < pcm.length;) {
      const amp = peak * (0.4 + rnd() * 0.6);
      click(Math.floor(t), amp);
      click(Math.floor(t + (0.06 + rnd() * 0.05) * RATE), amp * 0.6);
      t += (1 / (4 + rnd() * 8)) * RATE;
    }
    writeWav(file, pcm, RATE);
  });
}

/** Speech with another sound under it (`sox -m`), e.g. a voice over office noise at a given level. */
export function mixClip(a: string, b: string, name: string): string {
  return once(`mix-${name}`, (file) => sox('-m', a, b, file));
}

/** Silence then speech, repeated: for timing the warning from each speech onset (bench/mute). */
export function onsetClip(cycles = 6, silenceSec = 2.5, speechSec = 2): string {
  return once(`onset-${cycles}-${silenceSec}-${speechSec}`, (file) => {
    const speech = speechClip('en-us', en, 12);
    const one = `${file}.one.wav`;
    sox(speech, one, 'trim', '0.3', String(speechSec), 'pad', String(silenceSec), '0');
    sox(one, file, 'repeat', String(cycles - 1));
  });
}

/** The standard set: what the detector must hear (speech) and what it must ignore. */
export function clipSet(seconds = 12): Clip[] {
  const pink = pinkNoiseClip(seconds, 0.03);
  return [
    { name: 'speech-en', file: speechClip('en-us', en, seconds), speech: true, note: 'espeak-ng en-us' },
    {
      name: 'speech-en-quiet',
      file: speechClip('en', en, seconds, -26, 'en-q'),
      speech: true,
      note: 'espeak-ng en, peak -26 dBFS',
    },
    { name: 'speech-es-mx', file: speechClip('es-419', es, seconds), speech: true, note: 'espeak-ng es-419' },
    {
      name: 'speech-es-es',
      file: speechClip('es', es, seconds, -12),
      speech: true,
      note: 'espeak-ng es, peak -12 dBFS',
    },
    {
      name: 'speech-es-over-noise',
      file: mixClip(speechClip('es', es, seconds, -12), pink, `es-pink-${seconds}`),
      speech: true,
      note: 'es over pink noise',
    },
    {
      name: 'speech-en-over-typing',
      file: mixClip(speechClip('en-us', en, seconds), typingClip(seconds, 11, 0.2), `en-typing-${seconds}`),
      speech: true,
      note: 'en over typing',
    },
    { name: 'silence', file: silenceClip(seconds), speech: false, note: 'sox white noise at -70 dBFS' },
    { name: 'pink-noise', file: pinkNoiseClip(seconds), speech: false, note: 'sox pinknoise vol 0.15' },
    { name: 'pink-noise-quiet', file: pink, speech: false, note: 'sox pinknoise vol 0.03' },
    { name: 'breathing', file: breathingClip(seconds), speech: false, note: 'band noise, 0.3 Hz swell' },
    { name: 'typing', file: typingClip(seconds), speech: false, note: 'click trains 4–12 keys/s' },
    { name: 'typing-loud', file: typingClip(seconds, 3, 0.9), speech: false, note: 'click trains, peak 0.9' },
    {
      name: 'typing-thock',
      file: typingClip(seconds, 5, 0.7, [300, 900]),
      speech: false,
      note: 'click trains, 300–900 Hz body',
    },
  ];
}

export function writeWav(file: string, pcm: ArrayLike<number>, rate: number): void {
  const n = pcm.length;
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVE', 8);
  b.write('fmt ', 12);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(Math.max(-1, Math.min(1, pcm[i]!)) * 32767), 44 + i * 2);
  writeFileSync(file, b);
}

/** Decodes a PCM WAV (16-bit integer or 32-bit float, first channel) into Float32 samples. */
export function readWav(file: string): { rate: number; samples: Float32Array } {
  const b = readFileSync(file);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error(`${file}: not a WAV file`);
  let off = 12,
    rate = 0,
    channels = 1,
    bits = 16,
    format = 1;
  while (off + 8 <= b.length) {
    const id = b.toString('ascii', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      format = b.readUInt16LE(body);
      channels = b.readUInt16LE(body + 2);
      rate = b.readUInt32LE(body + 4);
      bits = b.readUInt16LE(body + 14);
      if (format === 0xfffe) format = b.readUInt16LE(body + 24);
    } else if (id === 'data') {
      const frame = (bits / 8) * channels;
      const n = Math.floor(Math.min(size, b.length - body) / frame);
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const at = body + i * frame;
        if (format === 1 && bits === 16) samples[i] = b.readInt16LE(at) / 32768;
        else if (format === 3 && bits === 32) samples[i] = b.readFloatLE(at);
        else throw new Error(`${file}: unsupported WAV encoding (format ${format}, ${bits} bits)`);
      }
      return { rate, samples };
    }
    off = body + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}
