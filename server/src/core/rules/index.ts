// Every rule, by id. Adding a rule: one file here, one test table, one docs/rules/<id>.md page, and its
// place in the precedence list (./precedence.ts).
import type { RuleId } from '../types';
import { floatingWrite } from './floating-write';
import { missingCommit } from './missing-commit';
import { noConflictRetry } from './no-conflict-retry';
import { nonResumableBatches } from './non-resumable-batches';
import { offsetPagination } from './offset-pagination';
import type { Rule } from '../rule';
import { schemaAndDataInOneTransaction } from './schema-and-data-in-one-transaction';
import { unbatchedLoop } from './unbatched-loop';
import { unboundedConcurrency } from './unbounded-concurrency';
import { unboundedRead } from './unbounded-read';

export type { Rule, RuleMeta } from '../rule';

export const RULES: Record<RuleId, Rule> = {
  'unbatched-loop': unbatchedLoop,
  'missing-commit': missingCommit,
  'unbounded-read': unboundedRead,
  'unbounded-concurrency': unboundedConcurrency,
  'floating-write': floatingWrite,
  'offset-pagination': offsetPagination,
  'no-conflict-retry': noConflictRetry,
  'non-resumable-batches': nonResumableBatches,
  'schema-and-data-in-one-transaction': schemaAndDataInOneTransaction,
};
