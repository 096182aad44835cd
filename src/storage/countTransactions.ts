import { unwrap, type IDBPDatabase } from 'idb';

/**
 * A test probe: counts the transactions opened on `db` from now on, by wrapping the raw
 * IDBDatabase's transaction() (idb's proxy then wraps what it returns as usual).
 */
export function countTransactions<Schema>(db: IDBPDatabase<Schema>): { readonly count: number } {
  const counter = { count: 0 };
  const raw = unwrap(db as unknown as IDBPDatabase);
  const original = raw.transaction.bind(raw);
  raw.transaction = ((...args: Parameters<IDBDatabase['transaction']>) => {
    counter.count += 1;
    return original(...args);
  }) as IDBDatabase['transaction'];
  return counter;
}
