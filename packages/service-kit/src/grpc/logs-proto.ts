import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/logs';

export type { LogServiceClient, LogServiceHandlers } from './generated/logs/LogService';
export type { LogRequest, LogRequest__Output } from './generated/logs/LogRequest';
export type { LogResponse, LogResponse__Output } from './generated/logs/LogResponse';
export type { LogBatchResponse__Output } from './generated/logs/LogBatchResponse';
export type { LogBatchResult__Output } from './generated/logs/LogBatchResult';

/**
 * proto/logs.proto is loaded in place, never copied: from the repository root in
 * development and tests, and from /app/proto in the images (same relative depth), so no
 * configuration names it. The generated types in ./generated come from the same file
 * (npm run gen:proto).
 */
export const LOGS_PROTO_PATH = path.resolve(__dirname, '../../../../proto/logs.proto');

/** Loader options that match the ones the types were generated with. */
const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

export function loadLogsPackage(protoPath = LOGS_PROTO_PATH): ProtoGrpcType['logs'] {
  const definition = protoLoader.loadSync(protoPath, LOADER_OPTIONS);
  return (grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType).logs;
}
