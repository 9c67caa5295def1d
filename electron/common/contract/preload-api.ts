import type { ContractClient, EventName, EventPayload } from './contract';

/**
 * The object the Electron preload exposes as `window.diadema`: one named function per contract call and one
 * subscription function. Nothing else (no raw ipcRenderer) crosses the context bridge.
 */
export type PreloadApi = ContractClient & {
  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void;
};
