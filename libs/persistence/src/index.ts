export { collectionOf, connectMongo, databaseNameFrom, pingMongo, redactUrl } from './mongo-connection';
export { insertOnce, isDuplicateKeyError } from './duplicate-key';
export { MongoModule, MONGO_CONNECTION } from './mongo.module';
export { BatchedInserter, DocumentWriteError, perDocumentErrors } from './batched-inserter';
export type { BatchedInserterOptions } from './batched-inserter';
export { GroupCommit } from './group-commit';
export type { BatchWriter, GroupCommitOptions } from './group-commit';
export { DEFAULT_TRANSACTION_OPTIONS, inTransaction } from './transaction';
export type { TransactionClient } from './transaction';
export {
  DEFAULT_TRANSACTION_ATTEMPTS,
  DEFAULT_WRITE_ATTEMPTS,
  retryOnConflict,
  runInTransaction,
} from './retrying-transaction';
export type { TransactionPolicy } from './retrying-transaction';
