import { UnavailableError } from '@ms/service-kit';
import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';

const DUPLICATE_KEY = 11000;

export function isDuplicateKeyError(err: unknown): boolean {
  return err instanceof MongoServerError && err.code === DUPLICATE_KEY;
}

/** MongoNetworkError covers timeouts and cleared pools too (they extend it). */
function isConnectivityError(err: unknown): boolean {
  return (
    err instanceof MongoNetworkError ||
    err instanceof MongoServerSelectionError ||
    err instanceof MongoTopologyClosedError ||
    err instanceof MongoNotConnectedError
  );
}

/** Unreachable database -> UnavailableError (503 / UNAVAILABLE); anything else unchanged. */
export function toStoreError(err: unknown): unknown {
  if (isConnectivityError(err))
    return new UnavailableError('log store unavailable', { cause: err });
  return err;
}
