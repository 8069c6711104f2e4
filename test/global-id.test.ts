import { parseGlobalId, toGlobalId } from '../src/graphql/global-id';

// Global IDs are base64url("<Type>:<id>"); toGlobalId encodes without a Buffer, so it is held
// against Node's own encoder, for every remainder of the text's length modulo 3.
test('toGlobalId is base64url of "<Type>:<id>" and parseGlobalId reads it back', () => {
  const types = ['Item', 'User', 'Circuit', 'ItemEvent', 'TradingSession', 'ExchangeAccount', 'BalanceSummary', 'A'];
  const ids = [0, 1, 7, 42, 999, 1_000, 123_456, 2_147_483_647];
  for (const type of types) {
    for (const id of [...ids, ...Array.from({ length: 50 }, (_, k) => 1 + k * 37)]) {
      const globalId = toGlobalId(type, id);
      expect(globalId).toBe(Buffer.from(`${type}:${id}`, 'utf8').toString('base64url'));
      expect(parseGlobalId(globalId)).toEqual({ type, id });
    }
  }
  expect(parseGlobalId(Buffer.from('Item:007').toString('base64url'))).toBeNull();
});
