import { EmitterImpl, TransportState, type Transport } from 'sip.js';

/**
 * A SIP.js transport for unit tests of code that sends requests through a real `UserAgent`: it connects at once,
 * keeps every message sent, and hands the user agent whatever the test makes the server answer.
 * Use as `transportConstructor: CapturingSipTransport`.
 */
export class CapturingSipTransport implements Transport {
  readonly protocol = 'WS';
  readonly sent: string[] = [];
  state = TransportState.Disconnected;
  readonly stateChange = new EmitterImpl<TransportState>();
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;

  async connect(): Promise<void> {
    this.move(TransportState.Connected);
    this.onConnect?.();
  }
  async disconnect(): Promise<void> {
    this.move(TransportState.Disconnected);
    this.onDisconnect?.();
  }
  async dispose(): Promise<void> {
    this.move(TransportState.Disconnected);
  }
  isConnected(): boolean {
    return this.state === TransportState.Connected;
  }
  async send(message: string): Promise<void> {
    if (!this.isConnected()) throw new Error('not connected');
    this.sent.push(message);
  }

  /** The server's answer to a request sent: its Via, From, To, Call-ID and CSeq, and this status line. */
  answer(request: string, status: number, reason: string): void {
    const copied = request
      .split('\r\n')
      .filter((line) => /^(Via|From|To|Call-ID|CSeq):/i.test(line))
      .join('\r\n');
    this.onMessage?.(`SIP/2.0 ${status} ${reason}\r\n${copied}\r\nContent-Length: 0\r\n\r\n`);
  }

  private move(state: TransportState): void {
    this.state = state;
    this.stateChange.emit(state);
  }
}
