import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { NotesStatus as Status } from '../../electron/common/contract/notes';
import { createI18n } from '../../renderer/src/i18n/i18n';
import { createAppStore } from '../../renderer/src/state/app-store';
import { StoreContext } from '../../renderer/src/ui/context';
import { NotesStatus } from '../../renderer/src/ui/NotesStatus';
import { fakeBridge } from '../support/fake-bridge';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
afterEach(() => { document.body.innerHTML = ''; });

async function mount(lang: 'en' | 'es-MX', first: Status) {
  const bridge = fakeBridge({ 'notes.status': async () => first });
  const store = createAppStore(bridge);
  const i18n = await createI18n(lang);
  const el = document.createElement('div');
  document.body.appendChild(el);
  await act(async () => {
    createRoot(el).render(<I18nextProvider i18n={i18n}><StoreContext.Provider value={store}><NotesStatus /></StoreContext.Provider></I18nextProvider>);
    await new Promise((r) => setTimeout(r, 10));
  });
  const q = (id: string) => el.querySelector(`[data-testid="${id}"]`);
  return { el, bridge, q };
}

describe('notes store and sync status', () => {
  it('tells the agent a damaged database was moved aside, and what is still waiting to be sent', async () => {
    const m = await mount('es-MX', {
      store: 'recovered', movedTo: '/home/ana/.config/diadema/notes.sqlite.corrupt-20261125', detail: 'file is not a database',
      outbox: { pending: 3, endpoint: true, lastError: '<img src=x onerror=alert(1)> 500', nextAttemptAt: Date.now() + 60_000 },
    });
    const alert = m.q('notes-store-status')!;
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toContain('notes.sqlite.corrupt-20261125');
    expect(alert.textContent).toContain('avisa a TI');
    const outbox = m.q('notes-outbox')!;
    expect(outbox.getAttribute('data-pending')).toBe('3');
    expect(outbox.textContent).toContain('Llamadas pendientes de enviar a tu equipo: 3.');
    expect(outbox.textContent).toContain('<img src=x onerror=alert(1)> 500');
    expect(m.el.querySelector('img')).toBeNull();

    await act(async () => { m.bridge.emit('notes.status', { store: 'ok', outbox: { pending: 0, endpoint: true } }); });
    expect(m.q('notes-store-status')).toBeNull();
    expect(m.q('notes-outbox')?.textContent).toBe('Todas las llamadas terminadas se enviaron a tu equipo.');
  });

  it('a full disk is an error the agent sees; without a sync endpoint there is no outbox line', async () => {
    const m = await mount('en', { store: 'disk-full', detail: 'disk-full: database or disk is full', outbox: { pending: 0, endpoint: false } });
    expect(m.q('notes-store-status')?.getAttribute('data-store')).toBe('disk-full');
    expect(m.q('notes-store-status')?.textContent).toContain('notes are kept in memory');
    expect(m.q('notes-outbox')).toBeNull();
  });
});
