import type { Connection, EventSink } from '@common/contract/contract';

/**
 * The renderer connections (Electron windows, browser-host tabs) and the fan-out of core events to all of them.
 * Each connection gets an id the media bridge uses to send media requests to the one renderer hosting the calls.
 */
export class EventHub {
  private readonly sinks = new Set<EventSink>();
  private seq = 0;

  constructor(private readonly onClose: (connectionId: string) => void) {}

  readonly emit: EventSink = (name, payload) => {
    for (const s of this.sinks) s(name, payload);
  };

  connect(sink: EventSink): Connection & { close(): void } {
    const id = `c${++this.seq}`;
    this.sinks.add(sink);
    return {
      id,
      send: sink,
      close: () => {
        this.sinks.delete(sink);
        this.onClose(id);
      },
    };
  }
}
