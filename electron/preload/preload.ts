import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { callNames, type EventName } from '@common/contract/contract';
import { ContractError } from '@common/contract/errors';
import type { PreloadApi } from '@common/contract/preload-api';

// Named functions only: one per contract call, plus `on`. The raw ipcRenderer never crosses the bridge.
const api: Record<string, unknown> = {};
for (const name of callNames) {
  api[name] = async (args: unknown) => {
    const outcome = (await ipcRenderer.invoke(name, args)) as {
      ok: boolean;
      value?: unknown;
      error?: { code: string; params?: Record<string, string> };
    };
    if (outcome.ok) return outcome.value;
    throw new ContractError(
      (outcome.error?.code ?? 'internal') as ConstructorParameters<typeof ContractError>[0],
      outcome.error?.params,
    );
  };
}
api.on = (name: EventName, listener: (payload: unknown) => void) => {
  const handler = (_e: IpcRendererEvent, eventName: string, payload: unknown) => {
    if (eventName === name) listener(payload);
  };
  ipcRenderer.on('diadema:event', handler);
  return () => {
    ipcRenderer.removeListener('diadema:event', handler);
  };
};
contextBridge.exposeInMainWorld('diadema', api as unknown as PreloadApi);
