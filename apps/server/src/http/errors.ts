import { PrahariError } from '@prahari/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** Every error leaves the API as `{error, message, details}` with the right status. */
export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'unavailable',
};

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** "body.username: must be string" — where the wrong field is and what it must be. */
function describeValidation(context: string | undefined, issues: ValidationIssue[]) {
  const where = context ?? 'request';
  const fields = issues.map((i) => {
    const missing = i.params?.missingProperty;
    const extra = i.params?.additionalProperty;
    const path = i.instancePath ? i.instancePath.slice(1).replaceAll('/', '.') : '';
    const field =
      typeof missing === 'string'
        ? path
          ? `${path}.${missing}`
          : missing
        : typeof extra === 'string'
          ? path
            ? `${path}.${extra}`
            : extra
          : path;
    const problem =
      typeof missing === 'string'
        ? 'is required'
        : typeof extra === 'string'
          ? 'is not a known field'
          : (i.message ?? 'is invalid');
    const allowed = Array.isArray(i.params?.allowedValues)
      ? ` (one of ${(i.params.allowedValues as unknown[]).join(', ')})`
      : '';
    return { in: where, field: field || '(whole)', problem: `${problem}${allowed}` };
  });
  const message = `Invalid ${where}: ${fields.map((f) => `${f.field} ${f.problem}`).join('; ')}.`;
  return { message, details: { fields } };
}

export function errorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof PrahariError) {
    return reply.status(error.status).send({
      error: error.code,
      message: error.message,
      ...(error.details !== undefined && { details: error.details }),
    } satisfies ErrorBody);
  }
  if (error.validation) {
    const { message, details } = describeValidation(error.validationContext, error.validation);
    return reply.status(400).send({ error: 'bad_request', message, details } satisfies ErrorBody);
  }
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status === 413) {
    return reply.status(413).send({
      error: 'payload_too_large',
      message: `The request body is larger than this server accepts (server.bodyLimitBytes). Send it in smaller batches.`,
    } satisfies ErrorBody);
  }
  if (status >= 400 && status < 500) {
    return reply.status(status).send({
      error: CODE_BY_STATUS[status] ?? 'client_error',
      message: error.message,
    } satisfies ErrorBody);
  }
  request.log.error({ err: error }, 'request failed');
  return reply.status(status >= 500 ? status : 500).send({
    error: 'internal',
    message: 'Something went wrong inside Prahari; the error is in the server log.',
  } satisfies ErrorBody);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.status(404).send({
    error: 'not_found',
    message: `There is no route ${request.method} ${request.url.split('?')[0]}.`,
  } satisfies ErrorBody);
}
