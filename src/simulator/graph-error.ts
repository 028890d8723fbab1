import { randomUUID } from 'node:crypto';

/** An error the simulator answers with, in Graph's `{error:{code,message,innerError}}` envelope. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {}
  ) {
    super(message);
  }
}

export function errorBody(error: GraphError, requestId: string, clientRequestId?: string) {
  return {
    error: {
      code: error.code,
      message: error.message,
      innerError: {
        // Graph's innerError.date has seconds precision and no zone designator.
        date: new Date().toISOString().slice(0, 19),
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
      },
    },
  };
}

export function newRequestId(): string {
  return randomUUID();
}

export const notFound = (id: string) =>
  new GraphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`
  );

export const badRequest = (message: string) => new GraphError(400, 'BadRequest', message);

/** A PATCH of a property Graph does not let change, or this simulator does not model. */
export const unsupportedProperty = (property: string, resource: 'User' | 'Group') =>
  new GraphError(
    400,
    'Request_BadRequest',
    `Property '${property}' is read-only or not supported by this simulator on resource '${resource}'.`
  );
