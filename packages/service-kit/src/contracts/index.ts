export * from './credentials';
export * from './mail-message';
export * from './user';
