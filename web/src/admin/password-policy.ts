// The staff password policy as an antd form rule. The numbers live once, in src/domain/access-policy.ts.

import type { FormRule } from 'antd';
import { checkPassword, PASSWORD_MIN_CLASSES, PASSWORD_MIN_LENGTH } from '../../../src/domain/access-policy.ts';
import type { MessageKey, MessageParams } from './i18n.ts';

type Translate = (key: MessageKey, params?: MessageParams) => string;

export const passwordParams = { min: PASSWORD_MIN_LENGTH, classes: PASSWORD_MIN_CLASSES };

export function passwordPolicyRule(t: Translate, username?: () => string | undefined): FormRule {
  return {
    validator: async (_rule, value: unknown) => {
      if (typeof value !== 'string' || value === '') return;
      const [problem] = checkPassword(value, username?.());
      if (problem === 'too_short') throw new Error(t('password.tooShort', passwordParams));
      if (problem === 'too_few_classes') throw new Error(t('password.tooFewClasses', passwordParams));
      if (problem === 'contains_username') throw new Error(t('password.containsUsername'));
    },
  };
}
