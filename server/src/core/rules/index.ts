// Every rule, by id. Adding a rule: one file here, one test table, one docs/rules/<id>.md page.
import type { RuleId } from '../types';
import { missingCommit } from './missing-commit';
import type { Rule } from './rule';
import { unbatchedLoop } from './unbatched-loop';

export type { Rule, RuleMeta } from './rule';

export const RULES: Record<RuleId, Rule> = {
  'unbatched-loop': unbatchedLoop,
  'missing-commit': missingCommit,
};
