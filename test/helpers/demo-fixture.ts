import { startTestGateway, type TestGateway, type TestGatewayOptions } from './test-gateway';

/** A seeded user as a test acts for them: an API key of their own and their database id. */
export interface SeededUser {
  key: string;
  id: number;
}

export interface DemoFixture {
  gw: TestGateway;
  /** The seeded user most tests act as. */
  demo: SeededUser;
  /** The seeded user whose data is "another user's". */
  alice: SeededUser;
}

/**
 * A gateway for the tests of a file (or of the describe block it is called in): started, with
 * keys and ids for the seeded users demo and alice, in beforeAll; closed in afterAll.
 *
 *     const { gw, demo, alice } = demoFixture();
 *
 * The objects are filled in when beforeAll runs, so use them inside hooks and tests only.
 */
export function demoFixture(options: TestGatewayOptions = {}): DemoFixture {
  const fixture: DemoFixture = { gw: {} as TestGateway, demo: { key: '', id: 0 }, alice: { key: '', id: 0 } };
  let started: TestGateway | undefined;
  beforeAll(async () => {
    started = await startTestGateway(options);
    // The gateway is a plain object (its methods close over its state): a copy works as it does.
    Object.assign(fixture.gw, started);
    for (const [username, user] of [['demo', fixture.demo], ['alice', fixture.alice]] as const) {
      user.key = await started.keyFor(username);
      user.id = await started.userId(username);
    }
  });
  afterAll(async () => {
    await started?.close();
  });
  return fixture;
}
