import { assembleModules } from '../src/modules/assemble';
import { defineModule } from '../src/modules/module';
import { modules, mappers } from '../src/modules';

// Assembling the modules is where a name two modules both define must surface, at startup.
const noop = () => null;
const loader = () => ({ load: async () => null });

test('the real module list assembles, with every Node type resolvable and a mapper per model', () => {
  const assembled = assembleModules(modules);
  expect([...assembled.nodeLoaders.keys()].sort()).toEqual(
    ['ApiKey', 'Circuit', 'ExchangeAccount', 'Item', 'ItemEvent', 'LedgerEntry', 'Order', 'Position', 'SessionEvent', 'Trade', 'TradingSession', 'User'],
  );
  expect(mappers.Trade).toBe('../modules/trading/trading.models#TradeModel');
  expect(Object.keys(mappers)).toHaveLength(36);
});

test.each([
  ['a field of a type', { resolvers: { Query: { a: noop } } }, { resolvers: { Query: { a: noop } } }, /field Query\.a is defined by both the one and the two module/],
  ['a loader', { resolvers: {}, loaders: { thingById: loader } }, { resolvers: {}, loaders: { thingById: loader } }, /loader thingById/],
  ['a Node type', { resolvers: {}, loaders: { a: loader }, nodes: { Thing: 'a' } }, { resolvers: {}, loaders: { b: loader }, nodes: { Thing: 'b' } }, /Node type Thing/],
  ['a mapper', { resolvers: {}, models: ['Thing'] }, { resolvers: {}, models: ['Thing'] }, /mapper of Thing/],
])('two modules defining %s throw at assembly', (_what, one, two, message) => {
  expect(() => assembleModules([defineModule({ name: 'one', ...one } as never), defineModule({ name: 'two', ...two } as never)])).toThrow(message);
});

test('a Node type naming a loader no module defines throws', () => {
  expect(() => assembleModules([defineModule({ name: 'one', resolvers: {}, nodes: { Thing: 'missing' } })])).toThrow(/names loader missing/);
});

test('loaders are made on first use, once per request, and emptied together', () => {
  let made = 0;
  const assembled = assembleModules([
    defineModule({ name: 'one', resolvers: {}, loaders: { thingById: () => (made++, Object.assign(() => null, { clearAll: jest.fn() })) } }),
  ]);
  const loaders = assembled.createLoaders({ prisma: null as never, viewerId: () => 1 }) as unknown as { thingById: { clearAll: jest.Mock }; clearAll(): void };
  expect(made).toBe(0);
  const first = loaders.thingById;
  expect(loaders.thingById).toBe(first);
  expect(made).toBe(1);
  loaders.clearAll();
  expect(first.clearAll).toHaveBeenCalledTimes(1);
  expect(assembled.createLoaders({ prisma: null as never, viewerId: () => 1 })).not.toBe(loaders);
});
