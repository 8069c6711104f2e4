// Promise.withResolvers (Node 22+), which grafast and grafserv call. PostGraphile 5.1 declares
// Node >= 22; the project runs on Node 20, so the launcher loads this first. Loaded by nothing
// else: the gateway and the other bench processes run on Node 20 exactly as it is.
declare global {
  interface PromiseConstructor {
    withResolvers?<T>(): { promise: Promise<T>; resolve: (value: T | PromiseLike<T>) => void; reject: (reason?: unknown) => void };
  }
}

if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export {};
