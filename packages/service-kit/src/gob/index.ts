export * from './wire';
export * from './stream';
export * from './net-rpc';
