/**
 * One error hierarchy for the whole service. Every error that reaches a client
 * is an AppError rendered as { error: { code, message, details? } }; anything
 * else becomes a 500 with no internal detail.
 */
export interface FieldProblem {
  field: string;
  problem: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: FieldProblem[] | Record<string, unknown>,
  ) {
    super(message);
  }
}

export class ValidationError extends AppError {
  constructor(details: FieldProblem[]) {
    super(422, 'validation_failed', details.map((d) => `${d.field}: ${d.problem}`).join('; '), details);
  }
}

export class BadRequestError extends AppError {
  constructor(code: string, message: string) {
    super(400, code, message);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = '请先登录 (login required)') {
    super(401, 'unauthorized', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = '无权执行此操作 (forbidden)') {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super(404, 'not_found', `${what} 不存在 (not found)`);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(409, code, message, details);
  }
}

export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSec: number) {
    super(429, 'rate_limited', `请求过于频繁，请 ${retryAfterSec} 秒后再试 (too many requests)`);
  }
}

export class UnavailableError extends AppError {
  constructor(message: string) {
    super(503, 'unavailable', message);
  }
}
