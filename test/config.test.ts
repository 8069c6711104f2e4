import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';

// loadConfig is the only reader of the environment: defaults for a fresh machine, every value
// validated, every problem reported at once, and no secret echoed back.

/** The ConfigError loadConfig throws for `env` (fails the test if it does not throw one). */
function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).name).toBe('ConfigError');
    return (error as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('defaults (nothing configured)', () => {
  test('serve on 4000 on every interface, embedded database in ./.data, demo data, development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 4000,
      host: '0.0.0.0',
      databaseUrl: undefined,
      databasePoolMax: 10,
      dataDir: path.resolve('.data'),
      seedDemoData: true,
      shutdownGraceMs: 10_000,
      logLevel: 'info',
    });
    expect(path.isAbsolute(config.dataDir)).toBe(true);
  });

  test('the result is frozen', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  test('empty and blank values count as unset', () => {
    expect(loadConfig({ PORT: '', NODE_ENV: '   ', DATABASE_URL: '' })).toMatchObject({ port: 4000, env: 'development', databaseUrl: undefined });
  });
});

describe('values', () => {
  test('are read, trimmed and converted', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: ' 8080 ',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgresql://gateway:s3cret@db.internal:5432/gateway',
      DATABASE_POOL_MAX: '25',
      DATA_DIR: 'var/gateway-data',
      SEED_DEMO_DATA: 'false',
      SHUTDOWN_GRACE_MS: '0',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      env: 'production',
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: 'postgresql://gateway:s3cret@db.internal:5432/gateway',
      databasePoolMax: 25,
      dataDir: path.resolve('var/gateway-data'),
      seedDemoData: false,
      shutdownGraceMs: 0,
      logLevel: 'debug',
    });
  });

  test.each([
    ['1', true],
    ['true', true],
    ['YES', true],
    ['on', true],
    ['0', false],
    ['False', false],
    ['no', false],
    ['off', false],
  ])('SEED_DEMO_DATA=%s is %s', (value, expected) => {
    expect(loadConfig({ SEED_DEMO_DATA: value }).seedDemoData).toBe(expected);
  });

  test('GRAPHIQL_ENABLED: unset leaves it to NODE_ENV (server.ts); true or false decides', () => {
    expect(loadConfig({}).graphiqlEnabled).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'production', GRAPHIQL_ENABLED: 'true' }).graphiqlEnabled).toBe(true);
    expect(loadConfig({ GRAPHIQL_ENABLED: 'off' }).graphiqlEnabled).toBe(false);
    expect(problemsOf({ GRAPHIQL_ENABLED: 'maybe' })).toBe("Invalid configuration:\n  GRAPHIQL_ENABLED: expected true or false, got 'maybe'");
  });

  test('PORT=0 (any free port) and 65535 are valid', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
  });

  test('both postgres:// and postgresql:// URLs are accepted, including a socket URL without a host', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@localhost/db' }).databaseUrl).toBe('postgres://u@localhost/db');
    expect(loadConfig({ DATABASE_URL: 'postgresql:///db?host=/var/run/postgresql' }).databaseUrl).toBe(
      'postgresql:///db?host=/var/run/postgresql',
    );
  });
});

describe('problems', () => {
  test("an invalid PORT: \"PORT: expected an integer …, got 'x'\"", () => {
    expect(problemsOf({ PORT: 'x' })).toBe("Invalid configuration:\n  PORT: expected an integer from 0 to 65535, got 'x'");
  });

  test.each(['70000', '-1', '80.5', '1e3', '0x50', '8080abc'])('PORT=%s is rejected', (value) => {
    expect(problemsOf({ PORT: value })).toBe(`Invalid configuration:\n  PORT: expected an integer from 0 to 65535, got '${value}'`);
  });

  test('every problem is reported at once, one per line, in a stable order', () => {
    expect(
      problemsOf({
        NODE_ENV: 'staging',
        PORT: 'x',
        DATABASE_POOL_MAX: '0',
        SEED_DEMO_DATA: 'maybe',
        SHUTDOWN_GRACE_MS: 'soon',
        LOG_LEVEL: 'verbose',
      }),
    ).toBe(
      [
        'Invalid configuration:',
        "  NODE_ENV: expected one of development, production, test, got 'staging'",
        "  PORT: expected an integer from 0 to 65535, got 'x'",
        "  DATABASE_POOL_MAX: expected an integer from 1 to 1000, got '0'",
        "  SEED_DEMO_DATA: expected true or false, got 'maybe'",
        "  SHUTDOWN_GRACE_MS: expected an integer from 0 to 600000, got 'soon'",
        "  LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got 'verbose'",
      ].join('\n'),
    );
  });

  describe('DATABASE_URL is never echoed (it may carry a password)', () => {
    test('a URL with another protocol names only the protocol', () => {
      const message = problemsOf({ DATABASE_URL: 'mysql://admin:hunter2@db.internal:3306/prod' });
      expect(message).toBe('Invalid configuration:\n  DATABASE_URL: expected a postgres:// or postgresql:// URL, got a mysql:// URL');
    });

    test.each([
      ['not a URL at all', 'hunter2'],
      ['user:password@host without a scheme', 'admin:hunter2@db.internal/prod'],
      ['a scheme without //', 'postgres:admin:hunter2@db.internal/prod'],
      ['a URL with spaces', 'postgres://admin:hunter2 @db internal/prod'],
    ])('%s', (_, value) => {
      const message = problemsOf({ DATABASE_URL: value });
      expect(message).toBe(
        'Invalid configuration:\n  DATABASE_URL: expected a postgres:// or postgresql:// URL (the value is not shown: it may hold a password)',
      );
      for (const part of ['hunter2', 'admin', 'db.internal']) expect(message).not.toContain(part);
    });
  });

  test('REDIS_URL gets the same treatment', () => {
    const message = problemsOf({ REDIS_URL: 'http://default:hunter2@cache:6379' });
    expect(message).toBe('Invalid configuration:\n  REDIS_URL: expected a redis:// or rediss:// URL, got a http:// URL');
  });
});
