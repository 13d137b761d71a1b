export * from '../storage/testing/object-store-contract';
