import { afterEach, describe, expect, it } from 'vitest';
import { dispatchCall } from '@common/contract/dispatch';
import type { GlobalShortcutPort } from '@common/hotkeys/hotkeys';
import { startGlobalHotkeys } from '../../../../electron/node/hotkeys/global-hotkeys';
import { createLogger } from '../../../../electron/node/log';
import { startAgentCore, type AgentCore } from '../../../support/agent-core';

// The Electron shell's hotkey wiring (node/hotkeys/global-hotkeys.ts) with a stand-in for the OS registry.
let agent: AgentCore | undefined;
afterEach(async () => {
  await agent?.dispose();
  agent = undefined;
});

describe('global hotkeys and the core', () => {
  it('a taken shortcut reaches the renderer as status and one notice; a fired one mutes with source hotkey', async () => {
    agent = await startAgentCore({ settings: { 'hotkeys.hangup': 'Ctrl+Alt+H' } });
    const { core } = agent;
    const events: Array<[string, unknown]> = [];
    core.connect((name, payload) => events.push([name, payload]));
    const logLines: string[] = [];
    const held = new Map<string, () => void>();
    const registry: GlobalShortcutPort = {
      register: (acc, fire) => {
        if (acc === 'Control+Alt+H') return false;
        held.set(acc, fire);
        return true;
      },
      unregister: (acc) => {
        held.delete(acc);
      },
    };
    const stop = startGlobalHotkeys(
      core,
      registry,
      createLogger((l) => logLines.push(l), 'debug'),
    );
    const status = await dispatchCall(core.handlers, 'hotkeys.status', {});
    expect(status).toMatchObject({
      ok: true,
      value: { global: true, unavailable: [{ action: 'hangup', accelerator: 'Control+Alt+H', reason: 'taken' }] },
    });
    expect(events.filter(([n]) => n === 'call.notice')).toEqual([
      ['call.notice', { code: 'hotkey-unavailable', detail: 'Control+Alt+H (taken)' }],
    ]);
    // Another settings change: still taken, not told again.
    await core.settings.set({ 'hotkeys.answer': 'F8' });
    expect(events.filter(([n]) => n === 'call.notice')).toHaveLength(1);
    expect(logLines.filter((l) => l.includes('global hotkey unavailable'))).toHaveLength(1);
    expect([...held.keys()].sort()).toEqual(['CommandOrControl+Shift+K', 'CommandOrControl+Shift+M', 'F8']);
    held.get('CommandOrControl+Shift+M')!();
    await new Promise((r) => setTimeout(r, 0));
    expect(core.mute.snapshot()).toMatchObject({ muted: true, source: 'hotkey' });
    // Global off: everything released, the renderer told.
    await core.settings.set({ 'hotkeys.global': false });
    expect(held.size).toBe(0);
    expect(events.filter(([n]) => n === 'hotkeys').at(-1)).toEqual([
      'hotkeys',
      { global: false, registered: [], unavailable: [] },
    ]);
    await core.settings.set({ 'hotkeys.global': true });
    expect(held.size).toBe(3);
    stop();
    expect(held.size).toBe(0);
  });

  it('a team profile sets the hotkeys; a malformed one is refused with the reason and the default kept', async () => {
    agent = await startAgentCore();
    // The team layer as the profile client hands it over once a signed profile is verified.
    agent.core.settings.setTeamLayers({ 'hotkeys.answer': 'F8', 'hotkeys.mute': 'Ctrl+Ctrl+M' }, {});
    const view = await agent.core.handlers['settings.get']({});
    expect(view.settings['hotkeys.answer']).toMatchObject({ value: 'F8', layer: 'team' });
    expect(view.settings['hotkeys.mute']).toMatchObject({ value: 'CommandOrControl+Shift+M', layer: 'default' });
    expect(view.issues.filter((i) => i.key === 'hotkeys.mute').map((i) => i.layer)).toEqual(['team']);
    await expect(agent.core.settings.set({ 'hotkeys.hold': 'Ctrl+Shift' })).rejects.toMatchObject({
      code: 'invalid-setting',
    });
    expect(agent.core.settings.get('hotkeys.hold')).toBe('CommandOrControl+Shift+K');
  });
});
