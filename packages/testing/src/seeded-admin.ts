/** The admin user the authentication-service's migration seeds: the design's test account. */
export const SEEDED_ADMIN = {
  credentials: { email: 'admin@example.com', password: 'verysecret' },
  /** Its fields as a login answers them, besides its id, its times and the access token. */
  user: { email: 'admin@example.com', first_name: 'Admin', last_name: 'User', active: true },
} as const;
