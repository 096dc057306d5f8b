import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { mapGrpcError } from '../../src/grpc/logs-client';

const grpcError = (code: status, details: string): ServiceError =>
  Object.assign(new Error(details), { code, details, metadata: new Metadata() });

describe('gRPC errors from the logger', () => {
  it.each([
    [status.UNAVAILABLE, 'connect ECONNREFUSED 10.0.0.5:50001', 503, 'logger service unavailable'],
    [status.DEADLINE_EXCEEDED, 'Deadline exceeded', 504, 'logger service timed out'],
    [
      status.INVALID_ARGUMENT,
      'logEntry.name: must not be empty',
      400,
      'logEntry.name: must not be empty',
    ],
    [status.INTERNAL, 'stack trace here', 502, 'logger service answered with an error'],
  ])(
    'code %i becomes %i without leaking details of failures',
    (code, details, httpStatus, message) => {
      expect(mapGrpcError(grpcError(code, details))).toMatchObject({ status: httpStatus, message });
    },
  );
});
