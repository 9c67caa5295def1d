import { describe, expect, it } from 'vitest';
import type { PreloadApi } from '@common/contract/preload-api';
import { ContractError, RefusedError, contractErrorFromMessage, refusalOf } from '@common/contract/errors';
import { createBridge } from '../../../../renderer/src/bridge/create-bridge';

// Electron's context bridge passes a rejected promise's Error on with its message only. The code and the
// params (which the renderer needs to say *why*, e.g. which setting is locked) must survive that trip.
describe('contract errors across the Electron context bridge', () => {
  it('recovers code and params from the message ContractError writes', () => {
    const e = new ContractError('locked-setting', { key: 'audio.callVolume' });
    expect(contractErrorFromMessage(e.message)).toEqual({
      code: 'locked-setting',
      params: { key: 'audio.callVolume' },
    });
    expect(contractErrorFromMessage(new ContractError('forbidden').message)).toEqual({ code: 'forbidden' });
  });

  it('anything else is internal, never a made-up code', () => {
    expect(contractErrorFromMessage('error: something broke')).toEqual({ code: 'internal' });
    expect(contractErrorFromMessage('Error invoking remote method')).toEqual({ code: 'internal' });
    expect(contractErrorFromMessage('')).toEqual({ code: 'internal' });
    expect(contractErrorFromMessage('invalid-setting: {not json}')).toEqual({ code: 'invalid-setting' });
    expect(contractErrorFromMessage('invalid-setting: {"key": 5}')).toEqual({ code: 'invalid-setting' });
  });

  it('the renderer bridge over a preload API rethrows a ContractError with code and params', async () => {
    const api = new Proxy(
      {},
      {
        get: (_t, name) =>
          name === 'on'
            ? () => () => undefined
            : // What the renderer receives after the context bridge: a plain Error carrying the message only.
              async () => {
                throw new Error(
                  new ContractError('invalid-arguments', { call: 'agent.set', issue: 'not-ready-note' }).message,
                );
              },
      },
    ) as PreloadApi;
    const bridge = createBridge({ diadema: api } as unknown as Window & { diadema: PreloadApi });
    await expect(bridge.client['agent.set']({ state: 'available' })).rejects.toMatchObject({
      name: 'ContractError',
      code: 'invalid-arguments',
      params: { call: 'agent.set', issue: 'not-ready-note' },
    });
  });
});

describe('refusals', () => {
  it('travel as code refused with a reason the renderer can read back, also through an Electron-style message', () => {
    const err = new RefusedError('hold-failed');
    expect(err.toJSON()).toEqual({ code: 'refused', params: { reason: 'hold-failed' } });
    expect(refusalOf(err)).toBe('hold-failed');
    const crossed = contractErrorFromMessage(err.message);
    expect(crossed).toEqual({ code: 'refused', params: { reason: 'hold-failed' } });
    expect(refusalOf(new ContractError(crossed.code, crossed.params))).toBe('hold-failed');
  });
  it('an unknown reason or another code is no refusal', () => {
    expect(refusalOf(new ContractError('refused', { reason: 'because' }))).toBeUndefined();
    expect(refusalOf(new ContractError('forbidden', { reason: 'hold-failed' }))).toBeUndefined();
    expect(refusalOf(new Error('refused'))).toBeUndefined();
  });
});
