import { defineModule } from '../module';
import { subscriptionResolvers } from './subscriptions.resolvers';

/** Pushes over WebSocket: the Subscription fields (the mutations' events are in mutation-events.ts). */
export const subscriptionsModule = defineModule({
  name: 'subscriptions',
  resolvers: subscriptionResolvers,
});
