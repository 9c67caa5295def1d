import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { parseAccount, type AccountFieldErrors, type AccountForm } from '@common/contract/account';
import { ContractError } from '@common/contract/errors';
import { ConnectionTestSteps, runConnectionTest } from './ConnectionTestSteps';
import { useApp, useAppStore } from './context';
import { TechDetail } from './TechDetail';
import { ignorePromise } from '@common/ignore-promise';

type Field = keyof AccountForm;
const testIds: Record<Field, string> = {
  server: 'account-server',
  user: 'account-user',
  authUser: 'account-auth-user',
  password: 'account-password',
  displayName: 'account-display-name',
};

export function AccountScreen() {
  const { t } = useTranslation();
  const store = useAppStore();
  const info = useApp((s) => s.info);
  const test = useApp((s) => s.test);
  const bridgeUp = useApp((s) => s.bridge === 'connected');
  const [form, setForm] = useState({ server: '', user: '', authUser: '', password: '', displayName: '' });
  const [hasPassword, setHasPassword] = useState(false);
  const [touched, setTouched] = useState<Partial<Record<Field, boolean>>>({});
  const [serverErrors, setServerErrors] = useState<AccountFieldErrors>({});
  const [status, setStatus] = useState<string>('');
  const id = useId();

  useEffect(() => {
    if (!bridgeUp) return;
    ignorePromise(
      store.bridge.client['account.get']({}).then((a) => {
        // The stored account arrives asynchronously: never overwrite what the agent already started typing.
        setForm((f) => ({
          ...f,
          server: dirty.current.has('server') ? f.server : a.server,
          user: dirty.current.has('user') ? f.user : a.user,
          authUser: dirty.current.has('authUser') ? f.authUser : a.authUser,
          displayName: dirty.current.has('displayName') ? f.displayName : a.displayName,
        }));
        setHasPassword(a.hasPassword);
      }),
    );
  }, [bridgeUp, store]);

  const parsed = parseAccount(form);
  const errors: AccountFieldErrors = { ...(parsed.ok ? {} : parsed.errors), ...serverErrors };
  const shown = (f: Field) => (touched[f] ? errors[f] : undefined);
  const dirty = useRef(new Set<Field>());
  const set = (f: Field, v: string) => {
    dirty.current.add(f);
    setForm((x) => ({ ...x, [f]: v }));
    setServerErrors({});
    setStatus('');
  };

  const save = async (): Promise<boolean> => {
    setTouched({ server: true, user: true, authUser: true, displayName: true, password: true });
    if (!parsed.ok) return false;
    try {
      const r = await store.bridge.client['account.save']({
        server: form.server,
        user: form.user,
        authUser: form.authUser,
        displayName: form.displayName,
        ...(form.password ? { password: form.password } : {}),
      });
      if (!r.ok) {
        setServerErrors(r.errors ?? {});
        return false;
      }
      setHasPassword(r.hasPassword);
      setForm((x) => ({ ...x, password: '' }));
      setStatus(t('account.saved'));
      return true;
    } catch (e) {
      setStatus(t(`error.${e instanceof ContractError ? e.code : 'internal'}`));
      return false;
    }
  };
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    // Enter in any field saves and registers: the one thing an agent filling this screen wants.
    if (await save())
      await store.bridge.client['phone.register']({}).catch((err: unknown) =>
        setStatus(t(`error.${err instanceof ContractError ? err.code : 'internal'}`)),
      );
  };
  const runTest = async () => {
    if (form.password || !hasPassword) {
      if (!(await save())) return;
    }
    await runConnectionTest(store);
  };

  const field = (f: Field, type = 'text', hint?: string) => {
    const err = shown(f);
    const inputId = `${id}-${f}`;
    const describedBy =
      [hint ? `${inputId}-hint` : '', err ? `${inputId}-error` : ''].filter(Boolean).join(' ') || undefined;
    return (
      <div className="field">
        <label htmlFor={inputId}>
          {t(
            f === 'server'
              ? 'account.server'
              : f === 'user'
                ? 'account.user'
                : f === 'authUser'
                  ? 'account.authUser'
                  : f === 'password'
                    ? 'account.password'
                    : 'account.displayName',
          )}
        </label>
        <input
          id={inputId}
          data-testid={testIds[f]}
          type={type}
          value={form[f]}
          autoComplete={type === 'password' ? 'new-password' : 'off'}
          spellCheck={false}
          placeholder={f === 'password' && hasPassword ? t('account.passwordStored') : undefined}
          aria-invalid={err ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => set(f, e.target.value)}
          onBlur={() => setTouched((x) => ({ ...x, [f]: true }))}
        />
        {hint && (
          <div className="hint" id={`${inputId}-hint`}>
            {hint}
          </div>
        )}
        {err && (
          <div className="error" id={`${inputId}-error`} data-testid={`error-${f}`} role="alert">
            {t(`account.error.${err}`)}
          </div>
        )}
      </div>
    );
  };

  return (
    <section className="panel account" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('account.title')}</h2>
      <form onSubmit={(e) => void onSubmit(e)} noValidate>
        {field('server', 'url', t('account.serverHint'))}
        {field('user', 'text', t('account.userHint'))}
        {field('authUser')}
        {field('password', 'password')}
        {field('displayName')}
        {info && (
          <p className="note" data-testid="secrets-note">
            {t(`account.secrets.${info.secretsStorage}`)}
          </p>
        )}
        <div className="buttons">
          <button type="submit" data-testid="account-save">
            {t('account.save')}
          </button>
          <button type="button" data-testid="account-test" onClick={() => void runTest()} disabled={test.running}>
            {t('account.test')}
          </button>
          <button
            type="button"
            data-testid="account-register"
            onClick={() =>
              void store.bridge.client['phone.register']({}).catch((err: unknown) =>
                setStatus(t(`error.${err instanceof ContractError ? err.code : 'internal'}`)),
              )
            }
          >
            {t('account.register')}
          </button>
          <button
            type="button"
            data-testid="account-unregister"
            onClick={() => ignorePromise(store.bridge.client['phone.unregister']({}))}
          >
            {t('account.unregister')}
          </button>
        </div>
        <p className="status" role="status" aria-live="polite" data-testid="account-status">
          {status}
        </p>
        <ServerInUse />
      </form>
      <ConnectionTestSteps />
    </section>
  );
}

/** Which server the phone is registered on, and when it is not the first of `account.servers`, why. */
function ServerInUse() {
  const { t } = useTranslation();
  const reg = useApp((s) => s.registration);
  if (reg.state !== 'registered' || !reg.server) return null;
  return (
    <p className="note" data-testid="account-server-in-use" data-failover={reg.failover ? 'true' : 'false'}>
      {t('account.serverInUse', { server: reg.server })}
      {reg.failover && (
        <>
          {' '}
          {t('account.failover', { primary: reg.failover.primary })}{' '}
          <TechDetail detail={[reg.failover.reason, reg.failover.detail].filter(Boolean).join(': ')} />
        </>
      )}
    </p>
  );
}
