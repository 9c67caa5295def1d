import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabEnv } from './lab-env';

const scenarios = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'lab', 'sipp');

/** A free UDP port on loopback (SIPp's SIP, control and media ports; SIPp itself takes the next ones up). */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** 8 kHz mu-law WAV made with sox at test time, as SIPp's rtp_stream plays it (payload type 0). */
export function muLawTone(file: string, freq = 500, seconds = 30): void {
  execFileSync('sox', [
    '-n',
    '-r',
    '8000',
    '-c',
    '1',
    '-e',
    'mu-law',
    '-t',
    'wav',
    file,
    'synth',
    String(seconds),
    'sine',
    String(freq),
    'vol',
    '0.5',
  ]);
}

export interface SippResult {
  code: number | null;
  messages: string;
  screen: string;
  stdout: string;
}

export interface SippRun {
  /** Resolves when SIPp exits: its exit code (0 = every call succeeded), the message log and its final screen. */
  done: Promise<SippResult>;
  /** The SIP messages SIPp has sent and received so far. */
  messages(): string;
  kill(): void;
}

/**
 * Runs one SIPp scenario from test/lab/sipp against the lab's Kamailio over UDP on loopback, as caller `caller`
 * (digest credentials of a lab account) calling `service`. Everything SIPp writes (message log, statistics, the
 * audio it plays) lives in a fresh directory, which is removed after the run.
 */
export async function runSipp(o: {
  lab: LabEnv;
  scenario: string;
  service: string;
  account: { user: string; password: string };
  keys?: Record<string, string>;
  pauseMs?: number;
  timeoutS?: number;
  audioFreq?: number;
  echo?: boolean;
}): Promise<SippRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-sipp-'));
  mkdirSync(dir, { recursive: true });
  muLawTone(path.join(dir, 'audio.wav'), o.audioFreq ?? 500);
  const messageFile = path.join(dir, 'messages.log');
  const [sipPort, controlPort] = [await freeUdpPort(), await freeUdpPort()];
  // rtp_stream and rtp_echo take their ports from -mp upwards: a random even base in a range the lab does not use.
  const mediaPort = 20000 + 2 * Math.floor(Math.random() * 4000);
  // Key values may name SIPp's own SIP port as {sip_port} (a Contact built by the test, for example).
  const keys = Object.fromEntries(
    Object.entries({ caller: o.account.user, account_id: '', ivr_path: '', ...o.keys }).map(([k, v]) => [
      k,
      v.replaceAll('{sip_port}', String(sipPort)),
    ]),
  );
  const args = [
    o.lab.udp,
    '-sf',
    path.join(scenarios, o.scenario),
    '-s',
    o.service,
    '-au',
    o.account.user,
    '-ap',
    o.account.password,
    '-i',
    '127.0.0.1',
    '-p',
    String(sipPort),
    '-cp',
    String(controlPort),
    '-mi',
    '127.0.0.1',
    '-mp',
    String(mediaPort),
    ...(o.echo ? ['-rtp_echo'] : []),
    '-m',
    '1',
    '-l',
    '1',
    '-d',
    String(o.pauseMs ?? 5000),
    '-timeout',
    `${o.timeoutS ?? 60}s`,
    '-nostdin',
    '-trace_msg',
    '-message_file',
    messageFile,
    '-trace_screen',
    '-screen_file',
    path.join(dir, 'screen.log'),
    ...Object.entries(keys).flatMap(([k, v]) => ['-key', k, v]),
  ];
  const child: ChildProcess = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout!.on('data', (d) => {
    stdout = (stdout + d.toString()).slice(-20_000);
  });
  child.stderr!.on('data', (d) => {
    stdout = (stdout + d.toString()).slice(-20_000);
  });
  const read = (f: string) => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  const done = new Promise<SippResult>((resolve) => {
    child.once('exit', (code) => {
      const result = { code, messages: read(messageFile), screen: read(path.join(dir, 'screen.log')), stdout };
      if (!process.env.DIADEMA_KEEP_SIPP) rmSync(dir, { recursive: true, force: true });
      resolve(result);
    });
  });
  return {
    done,
    messages: () => read(messageFile),
    kill: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
  };
}

/** SIP messages (start lines and headers) of a SIPp message log, in order. */
export function sipMessages(log: string): Array<{ start: string; text: string }> {
  return log
    .split(/\n(?=----------------------------------------------- )/)
    .map((block) => {
      // A block: the dashed time line, "UDP message sent (N bytes):", then the message.
      const lines = block
        .split('\n')
        .slice(2)
        .filter((l) => l.trim() !== '');
      return { start: lines[0]?.trim() ?? '', text: lines.join('\n') };
    })
    .filter((m) => /^(SIP\/2\.0 \d{3}|[A-Z]+ \S+ SIP\/2\.0)/.test(m.start));
}
