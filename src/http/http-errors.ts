import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../log';
import { ErrorCode } from '../errors';
import { sendHttpError } from './http-error-body';
import { pathAndSearch } from './graphql-route';

/** What body-parser (behind `express.json()`) attaches to the errors it raises. */
interface HttpError extends Error {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  limit?: number;
}

/** Fixed wording for the body-parser failures a client can cause; their own messages quote the body. */
const CLIENT_MESSAGES: Record<string, (error: HttpError) => string> = {
  'entity.parse.failed': () => 'The request body is not valid JSON.',
  'entity.too.large': (error) => `The request body is too large${error.limit ? ` (limit: ${error.limit} bytes)` : ''}.`,
  'entity.verify.failed': () => 'The request body was rejected.',
  'request.aborted': () => 'The request was aborted before its body arrived.',
  'request.size.invalid': () => 'The request body does not match its Content-Length.',
};

/**
 * The app's last middleware, for errors raised before or outside Apollo: a body that is not
 * JSON or is over the size limit, a bug in a plain route. Express's own handler would answer
 * with an HTML page (with the stack trace unless NODE_ENV is production); a GraphQL client
 * gets a GraphQL-shaped body instead. A client error keeps its 4xx status with code
 * BAD_REQUEST; anything else is logged and answered 500 INTERNAL_SERVER_ERROR without details.
 */
export function createHttpErrorHandler(options: { log: Logger }): ErrorRequestHandler {
  return (error: HttpError, req, res, next) => {
    if (res.headersSent) {
      next(error); // Express can only cut the connection now
      return;
    }
    const status = error?.status ?? error?.statusCode ?? 500;
    if (Number.isInteger(status) && status >= 400 && status < 500) {
      const describe = error.type ? CLIENT_MESSAGES[error.type] : undefined;
      const message = describe ? describe(error) : error.expose && error.message ? error.message : 'Bad request.';
      sendHttpError(res, status, ErrorCode.BAD_REQUEST, message);
      return;
    }
    options.log.error({ err: error, method: req.method, path: pathAndSearch(req.url)[0] }, 'unexpected error in an HTTP request');
    sendHttpError(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  };
}
