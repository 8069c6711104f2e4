import { defineModule } from '../module';
import { userLoaders } from './users.loaders';
import { userResolvers } from './users.resolvers';

/** Users and their API keys. */
export const usersModule = defineModule({
  name: 'users',
  resolvers: userResolvers,
  loaders: userLoaders,
  nodes: { User: 'visibleUserById', ApiKey: 'apiKeyById' },
  models: ['User', 'ApiKey'],
});
