import { Type } from '@sinclair/typebox';
import { PageOf, PageQuery, Text, Timestamp, Uuid } from '../../platform/http/common.schemas.js';

const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
const Password = Type.String({ minLength: 8, maxLength: 256 });
const Name = Text({ minLength: 1, maxLength: 200 });
const Role = Type.Union([Type.Literal('customer'), Type.Literal('admin')]);

export const UserSchema = Type.Object(
  {
    id: Uuid,
    email: Type.String(),
    name: Type.String(),
    role: Role,
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'User' },
);

export const RegisterBody = Type.Object(
  { email: Email, password: Password, name: Name },
  {
    additionalProperties: false,
    examples: [{ email: 'anna@example.com', password: 'correct-horse', name: 'Анна' }],
  },
);
export const LoginBody = Type.Object(
  {
    email: Text({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false, examples: [{ email: 'anna@example.com', password: 'correct-horse' }] },
);
export const TokenResponse = Type.Object({
  token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'seconds' }),
  user: Type.Ref('User'),
});
export const UserPatchBody = Type.Object(
  {
    name: Type.Optional(Name),
    email: Type.Optional(Email),
    password: Type.Optional(Password),
    role: Type.Optional(Role),
    current_password: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description:
          'The account’s password: required (else 403) when an admin changes their own email or ' +
          'password; checked (403 when wrong) whenever sent',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ name: 'Анна Петрова' }] },
);
export const UserListQuery = Type.Object(PageQuery, { additionalProperties: false });
export const UserPage = PageOf(Type.Ref('User'));
