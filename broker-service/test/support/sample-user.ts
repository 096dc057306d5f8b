/** A user as this project's authentication service answers a login (the design's `data`). */
export const sampleUser = {
  id: 1,
  email: 'admin@example.com',
  first_name: 'Admin',
  last_name: 'User',
  active: true,
  created_at: '2026-11-21T21:25:13.480Z',
  updated_at: '2026-11-21T21:25:13.480Z',
};
