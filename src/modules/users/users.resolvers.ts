import type { Resolvers } from '../../generated/graphql';
import { apiKeysOf, createApiKeyWithinCap, revokeApiKey } from '../../auth/api-keys';
import { notFound } from '../../errors';
import { idOfType, toGlobalId } from '../../graphql/global-id';
import { requiredText } from '../../graphql/validate';

export const userResolvers: Resolvers = {
  Query: {
    apiKeys: (_, __, { viewer, prisma }) => apiKeysOf(prisma, viewer.id),
  },
  Mutation: {
    createApiKey: async (_, { input }, { viewer, prisma, settings }) => {
      const { key, record } = await createApiKeyWithinCap(prisma, viewer.id, requiredText(input.name, 'input.name', 100), settings.maxApiKeysPerUser);
      return { key, apiKey: record };
    },
    revokeApiKey: async (_, { id }, { viewer, prisma, events }) => {
      const apiKeyId = idOfType(id, 'ApiKey', 'id');
      const revoked = await revokeApiKey(prisma, viewer.id, apiKeyId);
      if (!revoked) throw notFound('API key');
      // Answered once every instance has been told, so the key's next request is refused anywhere.
      await events.publish({ kind: 'apiKeyRevoked', userId: viewer.id, apiKeyId });
      return revoked;
    },
  },
  User: {
    id: (user) => toGlobalId('User', user.id),
  },
  ApiKey: {
    id: (apiKey) => toGlobalId('ApiKey', apiKey.id),
  },
};
