import type { ApiKey, User } from '../../generated/prisma/client';

// What the users module's GraphQL types receive as parent (codegen mappers).
export type UserModel = User;
export type ApiKeyModel = ApiKey;
