import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { startTestGateway, type TestGateway } from './helpers/test-gateway';
import { ok } from './helpers/responses';

// What a frontend's normalizing cache makes of the mutation payloads (#15 item 5), with Apollo
// Client 4's InMemoryCache over HTTP against the real gateway: after each trading mutation, the
// cache-first `balances` query and the lists show the new figures without another request.

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const SUMMARY = gql`
  fragment Summary on BalanceSummary {
    id
    fromCache
    openPositions
    assets {
      asset
      free
      locked
      total
    }
  }
`;
const BALANCES = gql`
  query Balances {
    balances {
      ...Summary
    }
  }
  ${SUMMARY}
`;
const POSITIONS = gql`
  query Positions {
    positions(first: 10) {
      edges {
        node {
          id
          status
          quantity
          realizedPnl
        }
      }
    }
  }
`;
const CREATE_ORDER = gql`
  mutation CreateOrder($input: CreateOrderInput!) {
    createOrder(input: $input) {
      order {
        id
        status
      }
      position {
        id
        status
        quantity
        realizedPnl
      }
      balances {
        ...Summary
      }
    }
  }
  ${SUMMARY}
`;
const CLOSE = gql`
  mutation Close($input: ClosePositionInput!) {
    closePosition(input: $input) {
      position {
        id
        status
        quantity
        realizedPnl
      }
      balances {
        ...Summary
      }
    }
  }
  ${SUMMARY}
`;
const CANCEL = gql`
  mutation Cancel($id: ID!) {
    cancelOrder(id: $id) {
      order {
        id
        status
      }
      balances {
        ...Summary
      }
    }
  }
  ${SUMMARY}
`;
const DEPOSIT = gql`
  mutation Deposit($input: DepositInput!) {
    deposit(input: $input) {
      entry {
        id
        amount
      }
      balances {
        ...Summary
      }
    }
  }
  ${SUMMARY}
`;

/** An Apollo Client of one user, counting the requests it sends. */
function clientOf(key: string) {
  const sent: string[] = [];
  const client = new ApolloClient({
    link: new HttpLink({
      uri: `${gw.url}/graphql`,
      headers: { authorization: `Bearer ${key}` },
      fetch: (input, init) => {
        sent.push(JSON.parse(String(init?.body)).operationName);
        return fetch(input, init);
      },
    }),
    cache: new InMemoryCache(),
  });
  return { client, sent };
}

const usdt = (data: any) => data.balances.assets.find((a: { asset: string }) => a.asset === 'USDT');

test('after each trading mutation, cache-first reads of balances and positions show its effect with no request', async () => {
  const user = await gw.freshUser('apollo');
  const accountId = (await ok(gw.http(`mutation { createExchangeAccount(input: { exchange: "paper", label: "main" }) { account { id } } }`, {}, user.key)))
    .createExchangeAccount.account.id;
  const { client, sent } = clientOf(user.key);

  // The dashboard's first read fills the cache.
  const first = await client.mutate({ mutation: DEPOSIT, variables: { input: { accountId, asset: 'USDT', amount: '10000' } } });
  expect(first.data).toBeDefined();
  await client.query({ query: BALANCES });
  await client.query({ query: POSITIONS });
  expect(sent).toEqual(['Deposit', 'Balances', 'Positions']);
  const cacheOnly = async () => {
    const balances = await client.query({ query: BALANCES, fetchPolicy: 'cache-first' });
    const positions = await client.query({ query: POSITIONS, fetchPolicy: 'cache-first' });
    return { balances: balances.data as any, positions: (positions.data as any).positions.edges.map((e: any) => e.node) };
  };
  expect(usdt((await cacheOnly()).balances)).toMatchObject({ total: '10000', free: '10000' });

  // A LIMIT order locks funds: the payload's summary replaces the cached one (same id).
  const limit = await client.mutate({
    mutation: CREATE_ORDER,
    variables: { input: { accountId, symbol: 'BTC-USDT', side: 'BUY', type: 'LIMIT', quantity: '0.1', price: '30000' } },
  });
  const limitOrderId = (limit.data as any).createOrder.order.id;
  expect(usdt((await cacheOnly()).balances)).toMatchObject({ total: '10000', free: '7000', locked: '3000' });

  // A MARKET fill opens a position: balances change; canceling the LIMIT releases its lock.
  const market = await client.mutate({
    mutation: CREATE_ORDER,
    variables: { input: { accountId, symbol: 'ETH-USDT', side: 'BUY', type: 'MARKET', quantity: '1', price: '2000' } },
  });
  const positionId = (market.data as any).createOrder.position.id;
  await client.mutate({ mutation: CANCEL, variables: { id: limitOrderId } });
  const afterFill = await cacheOnly();
  expect(afterFill.balances.balances.openPositions).toBe(1);
  expect(usdt(afterFill.balances)).toMatchObject({ total: '7998', free: '7998', locked: '0' }); // 2000 + 0.1 % fee

  // Closing it: the cached position in the list turns CLOSED in place, and the balances show the PnL.
  const listBefore = (await client.query({ query: POSITIONS, fetchPolicy: 'network-only' })).data as any;
  expect(listBefore.positions.edges.map((e: any) => e.node.status)).toEqual(['OPEN']);
  await client.mutate({ mutation: CLOSE, variables: { input: { positionId, exitPrice: '2100' } } });
  const closed = await cacheOnly();
  expect(closed.positions).toEqual([expect.objectContaining({ id: positionId, status: 'CLOSED', realizedPnl: '100' })]);
  expect(closed.balances.balances.openPositions).toBe(0);
  expect(usdt(closed.balances).total).toBe('10098'); // + the 2000 cost back + 100 PnL (a close books no fee)

  // Every read above after the first came from the cache: only the mutations (and the one
  // network-only read) went out. And the cache's figures are the gateway's.
  expect(sent).toEqual(['Deposit', 'Balances', 'Positions', 'CreateOrder', 'CreateOrder', 'Cancel', 'Positions', 'Close']);
  const truth = await ok(gw.http(`{ balances { openPositions assets { asset free locked total } } }`, {}, user.key));
  expect(truth.balances.assets).toEqual(closed.balances.balances.assets.map(({ __typename, ...rest }: any) => rest));
});

test('BalanceSummary.id is stable per viewer and differs between viewers', async () => {
  const a = await gw.freshUser('summary-id');
  const b = await gw.freshUser('summary-id');
  const idOf = async (key: string) => (await ok(gw.http(`{ balances { id } }`, {}, key))).balances.id as string;
  const [a1, a2, b1] = [await idOf(a.key), await idOf(a.key), await idOf(b.key)];
  expect(a1).toBe(a2);
  expect(a1).not.toBe(b1);
});
