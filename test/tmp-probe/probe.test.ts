import { startTestGateway, type TestGateway } from '../helpers/test-gateway';
let gw: TestGateway;
beforeAll(async () => { gw = await startTestGateway(); });
afterAll(async () => { await gw.close(); });
test('probe', async () => {
  for (const q of ['{ __typename }', '{ items { totalCount } }', '{ item(dfid:"DFID-0001") { dfid } }']) {
    const r = await gw.http(q, {});
    console.log(q, r.status, JSON.stringify(r.data), JSON.stringify(r.errors?.map(e => [e.extensions?.code, e.message])));
  }
});
