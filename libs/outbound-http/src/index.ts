export * from './target-policy';
export * from './target-guard';
export * from './outbound-sender';
export * from './lease-semaphore';
