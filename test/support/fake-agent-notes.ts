import type { AgentNotesPort } from '../../electron/node/agent/agent-service';

/**
 * The notes service as the agent service sees it: notes held in memory, with the store's finish rule (a final
 * note needs its required fields filled), and a record of what was reported and finished.
 */
export class FakeAgentNotes implements AgentNotesPort {
  readonly notes = new Map<string, { disposition: string | null; final: boolean; fields: Record<string, string> }>();
  readonly reports: Array<{ kind: 'started' | 'ended'; callId: string; at: number }> = [];
  readonly finished: Array<{ callId: string; disposition: string }> = [];
  constructor(private readonly required: string[] = []) {}

  write(callId: string, note: { disposition?: string | null; fields?: Record<string, string> }): void {
    this.notes.set(callId, { disposition: note.disposition ?? null, final: false, fields: note.fields ?? {} });
  }
  acwStarted(callId: string, at: number): void {
    this.reports.push({ kind: 'started', callId, at });
  }
  acwEnded(callId: string, at: number): void {
    this.reports.push({ kind: 'ended', callId, at });
  }
  async note(callId: string) {
    const n = this.notes.get(callId);
    return n ? { disposition: n.disposition, final: n.final } : null;
  }
  async finish(callId: string, disposition: string) {
    const n = this.notes.get(callId) ?? { disposition: null, final: false, fields: {} };
    const missing = this.required.filter((f) => !n.fields[f]?.trim());
    this.finished.push({ callId, disposition });
    if (missing.length) return { ok: false, missing };
    this.notes.set(callId, { ...n, disposition, final: true });
    return { ok: true, missing: [] };
  }
}
