import { useEffect, useState } from 'react';
import type { CallName, CallResult, EventName, EventPayload } from '@common/contract/contract';
import { useApp, useAppStore } from './context';
import { ignorePromise } from '@common/ignore-promise';

/** Events whose payload is the same view a call returns (`headset` for `headset.get`, …). */
type SameViewEvent<C extends CallName> = {
  [E in EventName]: EventPayload<E> extends CallResult<C> ? E : never;
}[EventName];

/**
 * A view the core keeps: asked for once the shell connection is up (and again after it comes back), then kept
 * current by the event that carries the same view.
 */
export function useCoreView<C extends CallName>(call: C, event: SameViewEvent<C>): CallResult<C> | undefined {
  const store = useAppStore();
  const bridgeUp = useApp((s) => s.bridge === 'connected');
  const [view, setView] = useState<CallResult<C> | undefined>();
  useEffect(() => {
    if (!bridgeUp) return;
    const ask = store.bridge.client[call] as (args: object) => Promise<CallResult<C>>;
    ignorePromise(ask({}).then(setView));
    return store.bridge.on(event, (v) => setView(v as CallResult<C>));
  }, [bridgeUp, store, call, event]);
  return view;
}
