import type { ContractHandlers, EventSink } from '@common/contract/contract';
import { ContractError } from '@common/contract/errors';
import type { AccountService } from '../../account/account-service';
import type { RegistrationService } from '../../phone/registration-service';

/** The account screen and the registration it drives. */
export function accountHandlers(d: {
  account: Pick<AccountService, 'view' | 'save' | 'apply' | 'testConnection'>;
  phone: Pick<RegistrationService, 'register' | 'unregister' | 'snapshot'>;
  emit: EventSink;
}): Pick<
  ContractHandlers,
  | 'account.get'
  | 'account.save'
  | 'account.testConnection'
  | 'phone.register'
  | 'phone.unregister'
  | 'phone.registration'
> {
  return {
    'account.get': () => d.account.view(),
    'account.save': (form) => d.account.save(form),
    'account.testConnection': () => d.account.testConnection((s) => d.emit('connection.step', s)),
    'phone.register': async () => {
      const { account, password } = await d.account.apply();
      if (!account || !password) throw new ContractError('invalid-account');
      return d.phone.register();
    },
    'phone.unregister': () => d.phone.unregister(),
    'phone.registration': async () => d.phone.snapshot(),
  };
}
