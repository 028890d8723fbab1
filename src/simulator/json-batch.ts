import { GraphError } from './graph-error';
import { bodyObject } from './request-body';

/** One request or response inside a JSON batch, and one executed request in general. */
export interface GraphExchange {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

export type ExecuteRequest = (
  method: string,
  url: string,
  body: unknown,
  headers: Readonly<Record<string, string>>
) => GraphExchange;

const MAX_BATCH = 20;

/** An item's error answer, refused by the batch itself before the request runs. */
function itemError(status: number, code: string, message: string): GraphExchange {
  return { status, headers: {}, body: { error: { code, message } } };
}

/**
 * POST /v1.0/$batch (BEHAVIOUR.md §5): up to 20 requests, each run and throttled on its own, answered
 * together with 200; `dependsOn` orders them, and a request whose dependency failed gets 424.
 */
export function executeBatch(body: unknown, execute: ExecuteRequest): GraphExchange {
  const requests = bodyObject(body).requests;
  if (!Array.isArray(requests) || requests.length === 0) {
    throw new GraphError(400, 'BadRequest', 'Invalid batch payload format: requests is required.');
  }
  if (requests.length > MAX_BATCH) {
    throw new GraphError(
      400,
      'BadRequest',
      `Number of batch request steps exceeds the maximum of ${MAX_BATCH}.`
    );
  }
  const seen = new Set<string>();
  const steps = requests.map((entry) => {
    const step = bodyObject(entry);
    const { id, method, url } = step;
    if (typeof id !== 'string' || typeof method !== 'string' || typeof url !== 'string') {
      throw new GraphError(
        400,
        'BadRequest',
        'Invalid batch payload format: each request needs id, method and url.'
      );
    }
    if (seen.has(id.toLowerCase())) {
      throw new GraphError(
        400,
        'BadRequest',
        `Batch request contains a duplicate request id: '${id}'.`
      );
    }
    seen.add(id.toLowerCase());
    const dependsOn = Array.isArray(step.dependsOn) ? step.dependsOn.map(String) : [];
    const headers = (
      step.headers && typeof step.headers === 'object' ? step.headers : {}
    ) as Record<string, string>;
    return { id, method: method.toUpperCase(), url, body: step.body, dependsOn, headers };
  });
  const statuses = new Map<string, number>();
  const responses = steps.map((step) => {
    let exchange: GraphExchange;
    const failedDependency = step.dependsOn.find((dep) => (statuses.get(dep) ?? 424) >= 400);
    if (failedDependency !== undefined) {
      exchange = itemError(
        424,
        'FailedDependency',
        `Dependency ${failedDependency} failed or was not run first.`
      );
    } else if (!step.url.startsWith('/')) {
      exchange = itemError(
        400,
        'BadRequest',
        'Batch request urls must be relative, e.g. /users/{id}.'
      );
    } else if (
      step.body !== undefined &&
      !Object.keys(step.headers).some((h) => h.toLowerCase() === 'content-type')
    ) {
      exchange = itemError(
        400,
        'BadRequest',
        'Content-Type header is required for a request with a body.'
      );
    } else {
      exchange = execute(step.method, `/v1.0${step.url}`, step.body, step.headers);
    }
    statuses.set(step.id, exchange.status);
    // Graph names the body's type on every item that has one (the SDK's batch helper relies on it).
    const headers =
      exchange.body === undefined
        ? exchange.headers
        : { 'Content-Type': 'application/json', ...exchange.headers };
    return {
      id: step.id,
      status: exchange.status,
      headers,
      ...(exchange.body === undefined ? {} : { body: exchange.body }),
    };
  });
  return { status: 200, headers: {}, body: { responses } };
}
