import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Log as _logs_Log, Log__Output as _logs_Log__Output } from './logs/Log';
import type { LogBatchEntry as _logs_LogBatchEntry, LogBatchEntry__Output as _logs_LogBatchEntry__Output } from './logs/LogBatchEntry';
import type { LogBatchRequest as _logs_LogBatchRequest, LogBatchRequest__Output as _logs_LogBatchRequest__Output } from './logs/LogBatchRequest';
import type { LogBatchResponse as _logs_LogBatchResponse, LogBatchResponse__Output as _logs_LogBatchResponse__Output } from './logs/LogBatchResponse';
import type { LogBatchResult as _logs_LogBatchResult, LogBatchResult__Output as _logs_LogBatchResult__Output } from './logs/LogBatchResult';
import type { LogRequest as _logs_LogRequest, LogRequest__Output as _logs_LogRequest__Output } from './logs/LogRequest';
import type { LogResponse as _logs_LogResponse, LogResponse__Output as _logs_LogResponse__Output } from './logs/LogResponse';
import type { LogServiceClient as _logs_LogServiceClient, LogServiceDefinition as _logs_LogServiceDefinition } from './logs/LogService';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  logs: {
    Log: MessageTypeDefinition<_logs_Log, _logs_Log__Output>
    LogBatchEntry: MessageTypeDefinition<_logs_LogBatchEntry, _logs_LogBatchEntry__Output>
    LogBatchRequest: MessageTypeDefinition<_logs_LogBatchRequest, _logs_LogBatchRequest__Output>
    LogBatchResponse: MessageTypeDefinition<_logs_LogBatchResponse, _logs_LogBatchResponse__Output>
    LogBatchResult: MessageTypeDefinition<_logs_LogBatchResult, _logs_LogBatchResult__Output>
    LogRequest: MessageTypeDefinition<_logs_LogRequest, _logs_LogRequest__Output>
    LogResponse: MessageTypeDefinition<_logs_LogResponse, _logs_LogResponse__Output>
    LogService: SubtypeConstructor<typeof grpc.Client, _logs_LogServiceClient> & { service: _logs_LogServiceDefinition }
  }
}

