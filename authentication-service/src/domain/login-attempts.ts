export type LoginOutcome = 'valid' | 'invalid';

/** Where each login attempt is reported; must never make the login wait or fail. */
export interface LoginAttemptLog {
  record(email: string, outcome: LoginOutcome): void;
}
