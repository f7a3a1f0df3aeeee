import { Type } from '@sinclair/typebox';
import { ROLES } from './permissions.ts';

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 100 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

export const StaffUser = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  orgId: Type.String(),
  orgName: Type.String(),
  permissions: Type.Array(Type.String()),
});

export const LoginReply = Type.Object({ token: Type.String(), user: StaffUser });

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 200 }),
    newPassword: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

export const RoleSchema = Type.Union(ROLES.map((role) => Type.Literal(role)));

export const RoleInfo = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  description: Type.String(),
  permissions: Type.Array(Type.String()),
});
