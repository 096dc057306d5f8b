import { UnavailableError } from '@ms/service-kit';
import {
  MongoBulkWriteError,
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

/**
 * The positions (in the documents given to an unordered insertMany) whose event_id was
 * already stored, when those are the bulk write's only errors; undefined otherwise.
 */
export function duplicatePositions(err: unknown): number[] | undefined {
  if (!(err instanceof MongoBulkWriteError)) return undefined;
  // Typed "one or more"; the driver builds an array, normalised here all the same.
  const writeErrors = [err.writeErrors].flat();
  if (err.writeConcernError !== undefined || writeErrors.length === 0) return undefined;
  if (writeErrors.some((writeError) => writeError.code !== DUPLICATE_KEY)) return undefined;
  return writeErrors.map((writeError) => writeError.index);
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

/**
 * A bulk write that failed for another reason than duplicates is answered as
 * "unavailable" too: the caller retries the whole batch, which is safe because the
 * entries stored before the failure then come back as duplicates.
 */
export function toBulkWriteError(err: unknown): unknown {
  if (isConnectivityError(err) || err instanceof MongoServerError) {
    return new UnavailableError('log store unavailable', { cause: err });
  }
  return err;
}
