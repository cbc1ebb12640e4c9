// What names say when nothing else does: repository and service methods named for a write
// (`updateEmail`, `deleteSessions`), unresolved imported helpers named for one (`syncLinkStats`), and
// receivers whose name says they are a service, not a database (`s3Client`, `stripeApi`).
import { VOCABULARY } from '../libraries';

const WRITE_PREFIX = /^(update|insert|delete|upsert|remove|destroy|save|persist|replace|bulkUpdate|bulkInsert|bulkDelete|increment|decrement)[A-Z0-9_]/;
/** Methods with a write verb that are about events, storage in the browser or reflection. */
const NOT_WRITES = new Set(['removeListener', 'removeAllListeners', 'removeEventListener', 'removeItem', 'deleteProperty', 'updateProgress', 'removeChild', 'replaceAll', 'replaceChildren', 'replaceWith', 'saveState', 'removeAttribute', 'deleteRule', 'insertAdjacentHTML', 'insertBefore', 'insertRule']);
const HELPER_WRITE_PREFIX = /^(update|insert|delete|upsert|remove|destroy|save|persist|migrate|backfill|sync|archive|purge|mark)[A-Z0-9_]/;

/**
 * Remembers a test of a name. Every call is classified, and a script says the same few names over and
 * over (`map`, `where`, `row`), so regular expressions and word splitting run once per name, not once
 * per call. Names come from the code, so the table is emptied when it grows large (a language server
 * sees many workspaces' names over its life).
 */
export function memoByName<T>(test: (name: string) => T): (name: string) => T {
  const memo = new Map<string, T>();
  return (name) => {
    let v = memo.get(name);
    if (v === undefined && !memo.has(name)) {
      if (memo.size >= 20_000) memo.clear();
      v = test(name);
      memo.set(name, v);
    }
    return v as T;
  };
}

/** A method name that writes: the libraries' own, or a repository's `updateEmail`, `deleteByIds`. */
export const isWriteMethodName = memoByName((name) => VOCABULARY.writeMethods.has(name) || (WRITE_PREFIX.test(name) && !NOT_WRITES.has(name)));

/** An imported helper Evolve cannot read whose name says it writes (`syncPartnerLinkStats(link)`). */
export const isWriteHelperName = memoByName((name) => HELPER_WRITE_PREFIX.test(name) && !NOT_WRITES.has(name));

const SERVICE_WORDS = new Set(['s3', 'sqs', 'sns', 'stripe', 'http', 'https', 'slack', 'github', 'octokit', 'webhook', 'webhooks', 'analytics', 'posthog', 'segment', 'sentry', 'logger', 'redis', 'cache', 'mailer', 'sendgrid', 'twilio', 'openai', 'axios', 'progress', 'spinner', 'hasher', 'emitter', 'queue', 'billing', 'payment', 'payments', 'api', 'crm', 'hubspot', 'intercom', 'salesforce', 'zendesk', 'shopify', 'paypal', 'braintree', 'algolia', 'elasticsearch', 'typesense', 'meilisearch']);
const DATA_WORDS = new Set(['repo', 'repository', 'model', 'models', 'collection', 'db', 'dao', 'table', 'prisma', 'knex', 'orm', 'entity', 'store']);

/** `s3Client`, `stripeApi`, `this.cacheService`: a receiver whose name says it is a service, not a database. */
export const isServiceName = memoByName((name) => {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_$]/g, ' ').toLowerCase().split(/\s+/).filter(Boolean);
  return words.some((w) => SERVICE_WORDS.has(w)) && !words.some((w) => DATA_WORDS.has(w));
});
