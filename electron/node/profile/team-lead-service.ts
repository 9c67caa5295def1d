import os from 'node:os';
import type { Clock } from '@common/clock';
import { ContractError } from '@common/contract/errors';
import type { DraftProblem, ProfileDraft, ProfilePreview, TeamProfileView } from '@common/contract/profile';
import { diffProfiles } from '@common/profile/diff-profiles';
import type { ProfilePayload } from '@common/profile/profile-payload';
import { starterDraft } from '@common/profile/starter-draft';
import { validateDraft } from '@common/profile/validate-draft';
import type { Settings } from '@common/settings/schema';
import type { Logger } from '../log';
import { readSigningKey, type SigningKey } from './keys';
import { PublishError, publishProfile, readPublished } from './publish';
import { readPayloadUnverified, signProfile } from './signed-profile';

type LeadSettings = Pick<Settings, 'profile.signingKey' | 'profile.publishTo' | 'profile.team'>;

export interface TeamLeadServiceOptions {
  /** The settings the team lead's screen reads (only `get`). */
  settings: { get<K extends keyof LeadSettings>(key: K): LeadSettings[K] };
  clock: Clock;
  log: Logger;
  /** Bearer token for an https:// `profile.publishTo` (the shell passes `DIADEMA_PUBLISH_TOKEN`); never logged. */
  token?: string;
  /** Extra CA (PEM) for an https:// `profile.publishTo`: a private CA, or a test's. */
  ca?: string | Buffer;
}

/** Used when neither the published profile nor `profile.team` names the team: the form asks for a real one. */
const placeholderTeam = 'my-team';

/**
 * The team lead's side of team profiles, for the app's Team profile screen: the same validation, signing and
 * publishing as `diadema profile`, with the key from `profile.signingKey` and the place from `profile.publishTo`.
 */
export class TeamLeadService {
  /** The published profile last read back (what preview diffs against). */
  private published: ProfilePayload | null | undefined;

  constructor(private readonly o: TeamLeadServiceOptions) {}

  /** A signing key is configured on this PC (the screen is offered; it may still be unusable). */
  available(): boolean {
    return this.o.settings.get('profile.signingKey').trim() !== '';
  }

  async view(): Promise<TeamProfileView> {
    this.requireKeyConfigured();
    const key = await this.loadKey();
    const published = await this.readPublishedPayload();
    const draft: ProfileDraft = published
      ? { ...draftOf(published), version: published.version + 1 }
      : starterDraft({
          team: this.o.settings.get('profile.team') || placeholderTeam,
          author: userName(),
        });
    return {
      available: true,
      keyId: key.ok ? key.key.kid : null,
      keyProblem: key.ok ? null : key.problem,
      publishTo: this.o.settings.get('profile.publishTo'),
      published: published ? draftOf(published) : null,
      draft,
    };
  }

  async preview(draft: ProfileDraft): Promise<ProfilePreview> {
    this.requireKeyConfigured();
    if (this.published === undefined) await this.readPublishedPayload();
    const published = this.published ?? null;
    return { changes: diffProfiles(published, draft), problems: this.problems(draft, published) };
  }

  /** Validates, signs and publishes; a draft with any problem is refused whole and nothing is written. */
  async publish(draft: ProfileDraft): Promise<{ version: number; publishedTo: string; keyId: string }> {
    this.requireKeyConfigured();
    const published = await this.readPublishedPayload();
    const first = this.problems(draft, published)[0];
    if (first) throw new ContractError('invalid-setting', { key: first.key, reason: first.code, detail: first.detail });
    const key = await this.loadKey();
    if (!key.ok)
      throw new ContractError('invalid-setting', { key: 'profile.signingKey', reason: key.code, detail: key.problem });
    const to = this.o.settings.get('profile.publishTo');
    if (to.trim() === '')
      throw new ContractError('invalid-setting', {
        key: 'profile.publishTo',
        reason: 'missing',
        detail: 'profile.publishTo is empty: set the folder or https:// URL to publish to',
      });
    const signed = await signProfile(draft, key.key, new Date(this.o.clock.now()));
    try {
      const r = await publishProfile(signed, to, this.httpsOptions());
      this.published = readPayloadUnverified(signed) ?? null;
      this.o.log.info('team profile published', {
        team: draft.team,
        version: draft.version,
        keyId: key.key.kid,
        to: r.publishedTo,
      });
      return { version: draft.version, publishedTo: r.publishedTo, keyId: key.key.kid };
    } catch (err) {
      if (!(err instanceof PublishError)) throw err;
      this.o.log.warn('team profile not published', { code: err.code, detail: err.message });
      const key = err.code === 'not-newer' ? 'version' : 'profile.publishTo';
      throw new ContractError('invalid-setting', { key, reason: err.code, detail: err.message.slice(0, 500) });
    }
  }

  private problems(draft: ProfileDraft, published: ProfilePayload | null): DraftProblem[] {
    const problems = validateDraft(draft, { now: new Date(this.o.clock.now()) });
    if (published && published.team === draft.team && draft.version <= published.version)
      problems.push({
        key: 'version',
        code: 'invalid-field',
        detail: `version ${draft.version} is not higher than the published version ${published.version}: agents would refuse it`,
      });
    return problems;
  }

  private requireKeyConfigured(): void {
    if (!this.available()) throw new ContractError('forbidden');
  }

  private async loadKey(): Promise<{ ok: true; key: SigningKey } | { ok: false; code: string; problem: string }> {
    try {
      return { ok: true, key: await readSigningKey(this.o.settings.get('profile.signingKey')) };
    } catch (err) {
      const e = err as Error & { code?: string };
      return {
        ok: false,
        code: typeof e.code === 'string' ? e.code : 'key-unreadable',
        problem: e.message.slice(0, 500),
      };
    }
  }

  /** Reads the published profile back; a place that cannot be read counts as none (and is logged). */
  private async readPublishedPayload(): Promise<ProfilePayload | null> {
    const to = this.o.settings.get('profile.publishTo');
    const team = this.o.settings.get('profile.team');
    let payload: ProfilePayload | null = null;
    if (to.trim() !== '') {
      try {
        const text = await readPublished(to, { ...this.httpsOptions(), ...(team ? { team } : {}), deadlineMs: 10_000 });
        payload = text === undefined ? null : (readPayloadUnverified(text) ?? null);
      } catch (err) {
        this.o.log.warn('the published team profile could not be read back', { detail: (err as Error).message });
      }
    }
    this.published = payload;
    return payload;
  }

  private httpsOptions() {
    return { ...(this.o.token ? { token: this.o.token } : {}), ...(this.o.ca ? { ca: this.o.ca } : {}) };
  }
}

function draftOf(p: ProfilePayload): ProfileDraft {
  return {
    team: p.team,
    version: p.version,
    author: p.author,
    ...(p.expires !== undefined ? { expires: p.expires } : {}),
    defaults: p.defaults,
    enforced: p.enforced,
  };
}

function userName(): string {
  try {
    return os.userInfo().username.slice(0, 128);
  } catch {
    return '';
  }
}
