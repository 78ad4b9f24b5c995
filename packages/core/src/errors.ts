/**
 * Domain errors. Services throw these; the HTTP layer maps `status` to the response and the CLI
 * prints `message`. `details` says what to fix (which field, which value, what is allowed).
 */
export class PrahariError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends PrahariError {
  constructor(message: string, details?: unknown) {
    super(400, 'bad_request', message, details);
  }
}

export class UnauthenticatedError extends PrahariError {
  constructor(message = 'Log in or send an API key (Authorization: Bearer …).') {
    super(401, 'unauthenticated', message);
  }
}

export class ForbiddenError extends PrahariError {
  constructor(message: string, details?: unknown) {
    super(403, 'forbidden', message, details);
  }
}

export class NotFoundError extends PrahariError {
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends PrahariError {
  constructor(message: string, details?: unknown) {
    super(409, 'conflict', message, details);
  }
}
