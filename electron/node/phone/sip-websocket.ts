import WebSocket from 'ws';

/**
 * SIP.js's WebSocket transport expects the browser's global `WebSocket`. In Node it is provided by `ws`; this is
 * done once, here, by the composition root, not inside library code.
 */
export function installWebSocketGlobal(): void {
  const g = globalThis as { WebSocket?: unknown };
  if (!g.WebSocket) g.WebSocket = WebSocket;
}
