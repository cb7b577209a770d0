/** An error with a stable code the API returns to clients (the English message; i18n/messages.ts renders zh-CN and en by code). */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
