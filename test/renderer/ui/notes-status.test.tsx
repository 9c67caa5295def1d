import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { NotesStatus as Status } from '@common/contract/notes';
import { NotesStatus } from '../../../renderer/src/ui/NotesStatus';
import { fakeBridge } from '../../support/fake-bridge';
import { renderUi } from '../../support/render-ui';

afterEach(() => {
  document.body.innerHTML = '';
});

async function mount(language: 'en' | 'es-MX' | 'es-ES', first: Status) {
  const bridge = fakeBridge({ 'notes.status': async () => first });
  return { bridge, ...(await renderUi(<NotesStatus />, { bridge, language })) };
}

describe('notes store and sync status', () => {
  it('tells the agent a damaged database was moved aside, and what is still waiting to be sent', async () => {
    const m = await mount('es-MX', {
      store: 'recovered',
      movedTo: '/home/ana/.config/diadema/notes.sqlite.corrupt-20261125',
      detail: 'file is not a database',
      outbox: {
        pending: 3,
        endpoint: true,
        lastError: '<img src=x onerror=alert(1)> 500',
        nextAttemptAt: Date.now() + 60_000,
      },
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

    await act(async () => {
      m.bridge.emit('notes.status', { store: 'ok', outbox: { pending: 0, endpoint: true } });
    });
    expect(m.q('notes-store-status')).toBeNull();
    expect(m.q('notes-outbox')?.textContent).toBe('Todas las llamadas terminadas se enviaron a tu equipo.');
  });

  it('says whether the database set aside was emptied or damaged, and how many notes were copied, in each language', async () => {
    const movedTo = '/home/ana/.config/diadema/notes.sqlite.corrupt-2026-12-03T20-00-00-000Z';
    const status = (cause: 'emptied' | 'damaged', notesRecovered: number): Status => ({
      store: 'recovered',
      movedTo,
      detail: `${cause}: …`,
      recovery: { cause, notesRecovered },
      outbox: { pending: 0, endpoint: false },
    });
    const cases: Array<[Status, 'en' | 'es-MX' | 'es-ES', string]> = [
      [status('emptied', 0), 'en', 'found empty (0 bytes)'],
      [status('emptied', 0), 'es-MX', 'apareció vacía (0 bytes)'],
      [status('emptied', 0), 'es-ES', 'ha aparecido vacía (0 bytes)'],
      [status('damaged', 57), 'en', '(notes copied: 57)'],
      [status('damaged', 57), 'es-MX', '(notas copiadas: 57). Avisa a TI.'],
      [status('damaged', 57), 'es-ES', '(notas copiadas: 57). Avisa a informática.'],
      [status('damaged', 0), 'en', 'none of its notes could be read'],
      [status('damaged', 0), 'es-MX', 'no se pudo leer ninguna nota'],
      [status('damaged', 0), 'es-ES', 'no se ha podido leer ninguna nota'],
    ];
    for (const [s, language, says] of cases) {
      const m = await mount(language, s);
      const text = m.q('notes-store-status')!.textContent!;
      expect(text).toContain(says);
      expect(text).toContain(movedTo);
      document.body.innerHTML = '';
    }
  });

  it('a full disk is an error the agent sees; without a sync endpoint there is no outbox line', async () => {
    const m = await mount('en', {
      store: 'disk-full',
      detail: 'disk-full: database or disk is full',
      outbox: { pending: 0, endpoint: false },
    });
    expect(m.q('notes-store-status')?.getAttribute('data-store')).toBe('disk-full');
    expect(m.q('notes-store-status')?.textContent).toContain('notes are kept in memory');
    expect(m.q('notes-outbox')).toBeNull();
  });
});
