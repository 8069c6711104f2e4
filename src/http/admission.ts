import { AsyncResource } from 'node:async_hooks';
import type { RequestHandler, Response } from 'express';
import { sendHttpError } from './http-error-body';
import { ErrorCode } from '../errors';
import { clientOf } from './client-identity';

export interface AdmissionOptions {
  /** Requests of one client (a user, or an address without a key) running at once. */
  maxConcurrentPerClient: number;
  /** Requests of one client waiting for a turn; one more is refused with 429. */
  maxQueuedPerClient: number;
  /** How long a request may wait for its turn before it is answered 503. */
  queueTimeoutMs: number;
  /** Requests running at once over all clients (a bound on what reaches the database pool). */
  maxConcurrent: number;
}

interface Waiter {
  readonly client: string;
  readonly start: () => void;
  readonly refuse: () => void;
}

/**
 * Admission before a GraphQL request runs. Each client gets a bounded share of the gateway (and
 * so of the database pool): its extra requests wait in its own queue, bounded in length and in
 * time, and turns are handed out round-robin over the clients that wait, so a burst from one
 * client is served without starving another. Once the process is draining for shutdown, new
 * requests get 503 while admitted and queued ones run to the end.
 *
 * The client is `res.locals.client`, set by authentication (a user id, or an address).
 */
export function createAdmission(options: AdmissionOptions) {
  let draining = false;
  /** Requests running per client; a client with none has no entry. */
  const running = new Map<string, number>();
  let runningTotal = 0;
  /** Waiting requests per client, in arrival order; the map's order is the round-robin order. */
  const queues = new Map<string, Waiter[]>();
  let queuedTotal = 0;
  const idleWaiters = new Set<() => void>();
  /** Requests past the drain gate and not yet answered (still sending a body, queued or running). */
  let admitted = 0;

  // Queued and running requests all passed the drain gate: `admitted` covers them.
  const isIdle = () => admitted === 0;

  /** Hands free turns to waiting clients, one per client in turn. */
  const pump = () => {
    let granted = true;
    while (granted && runningTotal < options.maxConcurrent && queuedTotal > 0) {
      granted = false;
      for (const client of [...queues.keys()]) {
        if (runningTotal >= options.maxConcurrent) break;
        const queue = queues.get(client)!;
        if ((running.get(client) ?? 0) >= options.maxConcurrentPerClient) continue;
        const waiter = queue.shift()!;
        queuedTotal -= 1;
        queues.delete(client);
        // Back of the line: the next turn goes to another client first.
        if (queue.length > 0) queues.set(client, queue);
        waiter.start();
        granted = true;
      }
    }
  };

  const begin = (client: string, res: Response): void => {
    running.set(client, (running.get(client) ?? 0) + 1);
    runningTotal += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (running.get(client) ?? 1) - 1;
      if (left <= 0) running.delete(client);
      else running.set(client, left);
      runningTotal -= 1;
      pump();
    };
    res.on('finish', release);
    res.on('close', release);
  };

  const drainGate: RequestHandler = (_req, res, next) => {
    if (!draining) {
      // Counted from here, so shutdown waits for a request still sending its body too.
      admitted += 1;
      let done = false;
      const leave = () => {
        if (done) return;
        done = true;
        admitted -= 1;
        if (isIdle()) for (const wake of idleWaiters) wake();
      };
      res.on('finish', leave);
      res.on('close', leave);
      return next();
    }
    res.setHeader('connection', 'close');
    sendHttpError(res, 503, ErrorCode.SERVICE_UNAVAILABLE, 'The server is shutting down; retry on another instance', { retryAfterSeconds: 1 });
  };

  const queue: RequestHandler = (req, res, next) => {
    const client = clientOf(req, res);
    const mine = running.get(client) ?? 0;
    if (mine < options.maxConcurrentPerClient && runningTotal < options.maxConcurrent && queuedTotal === 0) {
      begin(client, res);
      return next();
    }
    const waiting = queues.get(client) ?? [];
    if (waiting.length >= options.maxQueuedPerClient) {
      sendHttpError(res, 429, ErrorCode.RATE_LIMITED, `Too many requests waiting: at most ${options.maxConcurrentPerClient} run and ${options.maxQueuedPerClient} wait per client`, {
        retryAfterSeconds: 1,
      });
      return;
    }
    // The turn is given from another request's completion: run the rest of this request in its
    // own async context (its statement tally, its logger), not the releasing request's.
    const resume = AsyncResource.bind(() => {
      clearTimeout(timer);
      res.off('close', abandon);
      begin(client, res);
      next();
    });
    const remove = () => {
      const list = queues.get(client);
      const index = list ? list.indexOf(waiter) : -1;
      if (index < 0) return false;
      list!.splice(index, 1);
      if (list!.length === 0) queues.delete(client);
      queuedTotal -= 1;
      return true;
    };
    const waiter: Waiter = {
      client,
      start: resume,
      refuse: () => {
        if (!remove()) return;
        res.off('close', abandon);
        sendHttpError(res, 503, ErrorCode.SERVICE_UNAVAILABLE, `The gateway is busy: the request waited ${options.queueTimeoutMs} ms for its turn`, { retryAfterSeconds: 1 });
      },
    };
    const abandon = () => {
      clearTimeout(timer);
      remove();
    };
    const timer = setTimeout(waiter.refuse, options.queueTimeoutMs);
    res.on('close', abandon);
    waiting.push(waiter);
    queues.set(client, waiting);
    queuedTotal += 1;
    pump();
  };

  return {
    drainGate,
    queue,
    /** From now on, new requests get 503; requests already admitted or queued run to the end. */
    startDraining: () => {
      draining = true;
    },
    get draining() {
      return draining;
    },
    /** Resolves once no admitted or queued request is left, or after `maxWaitMs`; true if idle. */
    idle(maxWaitMs: number): Promise<boolean> {
      if (isIdle()) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const done = (idle: boolean) => {
          clearTimeout(timer);
          idleWaiters.delete(wake);
          resolve(idle);
        };
        const wake = () => done(true);
        const timer = setTimeout(() => done(false), maxWaitMs);
        idleWaiters.add(wake);
      });
    },
  };
}
