/**
 * Domain errors that reach users. Each has a stable code (for clients and tests), an HTTP status,
 * and a message that says what went wrong and what to do. The HTTP layer turns them into
 * application/problem+json; the CLI prints the message.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'AppError'
  }
}

/** printf-style factory so a message template lives once, next to its code. */
export function createError(code: string, template: string, status = 400) {
  return (...args: unknown[]): AppError => {
    let i = 0
    const message = template.replace(/%[sdf]/g, () => String(args[i++]))
    const details = args.length > i ? args[i] : undefined
    return new AppError(code, message, status, details)
  }
}

export const NotFound = createError('WG_NOT_FOUND', '%s %s does not exist', 404)
export const BadParameter = createError('WG_BAD_PARAMETER', 'Parameter %s: %s', 400)
