import { useEffect, useState } from 'react';
import { type Role, rolesApi } from './api.ts';
import { knownKey, type Language, type MessageKey } from './i18n.ts';

let cached: Promise<Role[]> | null = null;

/** The org's roles from GET /api/v1/roles, fetched once per page load. */
export function useRoles(): { roles: Role[]; error: unknown } {
  const [roles, setRoles] = useState<Role[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let current = true;
    cached ??= rolesApi.list().then(({ items }) => items);
    cached
      .then((items) => current && setRoles(items))
      .catch((failure: unknown) => {
        cached = null;
        if (current) setError(failure);
      });
    return () => {
      current = false;
    };
  }, []);
  return { roles, error };
}

/** A role's name in the console's language: from the API when known, else from the dictionary, else the code. */
export function roleName(code: string, roles: Role[], language: Language, t: (key: MessageKey) => string): string {
  const role = roles.find((candidate) => candidate.code === code);
  if (role) return language === 'en' ? role.nameEn || role.name : role.name;
  const key = knownKey(`role.${code}`);
  return key ? t(key) : code;
}
