import { BULK_STATEMENT_TIMEOUT_MS, type Database } from './database.js';

/**
 * Refreshes the planner's statistics of the tables the demo data loads: until autovacuum gets to
 * them (a minute or more), plans are made for empty tables, and a cart priced from freshly seeded
 * products read 20 times the pages it needs (bench:profile on a new database). Only those tables:
 * one analyzed while empty is planned as empty (sequential scans) until analyzed again, whereas one
 * never analyzed is planned as if it had some rows, which suits a table about to grow (orders).
 */
export async function analyzeSeededTables(db: Database): Promise<void> {
  await db.query({
    name: 'analyze_seeded',
    text: 'ANALYZE products, users',
    timeoutMs: BULK_STATEMENT_TIMEOUT_MS,
  });
}
