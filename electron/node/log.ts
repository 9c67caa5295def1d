/**
 * The core's logger. Everything that reaches a log goes through `redact`, so a password, a digest response or a
 * token cannot end up in a file even when a SIP trace is on.
 */
export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

const secretKeys = /pass(word)?|secret|token|authorization|credential/i;

export function redact(text: string): string {
  return text
    .replace(/^((?:Proxy-)?Authorization:\s*\w+)\s.*$/gim, '$1 [redacted]')
    .replace(/([?&#]token=)[^&\s"]+/gi, '$1[redacted]')
    .replace(/("(?:password|token|secret)"\s*:\s*)"[^"]*"/gi, '$1"[redacted]"');
}

export function redactData(data: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!data) return data;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    out[k] = secretKeys.test(k) ? '[redacted]' : typeof v === 'string' ? redact(v) : v;
  }
  return out;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLogger(write: (line: string) => void, minLevel: LogLevel = 'info', scope = 'diadema'): Logger {
  const emit = (level: LogLevel) => (msg: string, data?: Record<string, unknown>) => {
    if (order[level] < order[minLevel]) return;
    const safe = redactData(data);
    write(
      `${new Date().toISOString()} ${level.padEnd(5)} [${scope}] ${redact(msg)}${safe ? ` ${JSON.stringify(safe)}` : ''}`,
    );
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
