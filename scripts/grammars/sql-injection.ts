// Source of syntaxes/evolve-sql.injection.tmLanguage.json (written by scripts/grammars/write.ts; a test
// fails when the two differ). SQL inside JS/TS/TSX/JSX: tagged templates and the first string argument of
// raw SQL calls, embedding VS Code's source.sql; ${...} stays TypeScript.
//
// The host grammars (VS Code's TypeScript/JavaScript) open begin/end rules for calls and tagged templates
// at the start of the member chain (`db.query(`, `.whereRaw(` after a call). An injection that matches later,
// inside such a rule, takes away the `(` or backtick that rule waits for and leaves it open for the rest of
// the file. So every match here starts where the host's rule would ("L:" wins ties), or does not happen.
import { HOSTS, type Rule } from './tm';

const R = String.raw;
const IDENT = R`[A-Za-z_$][\w$]*`;
const MEMBER = R`#?` + IDENT;
/** A call's chain may start at a '.' (knex(...).whereRaw(...)): the host's call rule goes on there. */
const CALL_CHAIN = R`((?:\??\.\s*)?(?:` + MEMBER + R`\s*\??\.\s*)*?)`;
/** A tag's chain may not: after `getClient()` the host ends its call rule at that '.', and an injection starting there would win over that end. */
const TAG_CHAIN = R`((?:` + MEMBER + R`\s*\??\.\s*)*?)`;
const TYPE_ARGUMENTS = R`(<(?:[^<>()` + '`' + R`'"]|<[^<>()` + '`' + R`'"]*>)*>)?`;
const KEYWORD = R`(?i:select|insert|update|delete|with|begin|commit|rollback|create|alter|drop|truncate|merge|savepoint|pragma|vacuum|explain|grant|revoke)(?![\w$.-])`; // not select-all.sh, update.js
const ANY_STRING = R`['"` + '`]';
const KEYWORD_STRING = R`['"]\s*` + KEYWORD + R`|` + '`' + R`\s*(?:` + KEYWORD + R`|$)`;

const chainCaptures: Rule = {
  patterns: [
    { match: R`\bthis\b`, name: 'variable.language.this.ts' },
    { match: MEMBER, name: 'variable.other.object.ts' },
    { match: R`\?\.`, name: 'punctuation.accessor.optional.ts' },
    { match: R`\.`, name: 'punctuation.accessor.ts' },
  ],
};
const typeArgumentCaptures: Rule = { patterns: [{ include: 'source.ts#type-arguments' }] };
const roundBrace: Rule = { name: 'meta.brace.round.ts' };
const templateBegin: Rule = { name: 'string.template.ts punctuation.definition.string.template.begin.ts' };
const templateEnd = { '0': { name: 'string.template.ts punctuation.definition.string.template.end.ts' } };

const CALL_START = "A match may start at a '.' (knex(...).whereRaw(...), getClient().query(...)) so that it starts where the host grammar's call rule would: matching later, inside that rule, would leave the rule open.";

function call(name: string, firstString: string, firstArgument: string): Rule {
  return {
    begin: R`(?<![\w$#])` + CALL_CHAIN + '(' + name + R`)\s*` + TYPE_ARGUMENTS + R`\s*(\()\s*(?=` + firstArgument + '|$)',
    beginCaptures: { '1': chainCaptures, '2': { name: 'meta.function-call.ts entity.name.function.ts' }, '3': typeArgumentCaptures, '4': roundBrace },
    end: R`\)`,
    endCaptures: { '0': roundBrace },
    patterns: [{ include: `#${firstString}` }, { include: '#call-arguments' }],
  };
}

function firstString(lookahead: string, strings: Rule[], comment: string): Rule {
  return { comment, begin: R`\G\s*(?=` + lookahead + ')', end: R`(?<=['"` + '`' + R`])|(?=$)`, patterns: strings };
}

function quoted(quote: string, scope: string): Rule {
  return {
    begin: quote,
    beginCaptures: { '0': { name: `${scope}.ts punctuation.definition.string.begin.ts` } },
    end: `(${quote})|(?=$)`,
    endCaptures: { '1': { name: `${scope}.ts punctuation.definition.string.end.ts` } },
    contentName: 'meta.embedded.block.sql',
    patterns: [{ include: 'source.ts#string-character-escape' }, { include: '#sql-json-operators' }, { include: '#sql-line-comments-in-quotes' }, { include: 'source.sql' }],
  };
}

function lineComment(marker: string, kind: string, end: string): Rule {
  return { begin: marker, beginCaptures: { '0': { name: 'punctuation.definition.comment.sql' } }, end, name: `comment.line.${kind}.sql` };
}

function sqlTemplate(begin: string, beginGroup: string): Rule {
  return { begin, beginCaptures: { [beginGroup]: templateBegin }, end: '`', endCaptures: templateEnd, contentName: 'meta.embedded.block.sql', patterns: [{ include: '#sql-template-content' }] };
}

/** A tag rule; `name` holds capture groups 2 on (1 is the chain), then come the type arguments and the backtick. */
function tag(name: string, nameCaptures: Record<string, Rule>): Rule {
  const groups = Object.keys(nameCaptures).length + 1;
  return {
    ...sqlTemplate(R`(?<![\w$#.])` + TAG_CHAIN + name + R`\s*` + TYPE_ARGUMENTS + R`\s*(` + '`)', String(groups + 2)),
    beginCaptures: { '1': chainCaptures, ...nameCaptures, [groups + 1]: typeArgumentCaptures, [groups + 2]: templateBegin },
  };
}

// One rule per name, each with a literal Oniguruma can search for: an alternation of names makes it try
// the pattern at every position of every line, which made tokenizing TS files half again as slow.
// (The lookahead gives the knex builders' alternation its literal.)
const RAW_SQL_CALLS = ['raw', R`(?=[a-zA-Z]*Raw\b)(?:(?:or|and)?[wW]here|(?:or)?[hH]aving|join|orderBy|groupBy|from)Raw`, R`\$(?:query|execute)RawUnsafe`, 'unsafe'];
const KEYWORD_SQL_CALLS = ['query', 'prepare', 'exec(?:ute)?', 'run'];

export function sqlInjectionGrammar(): Rule {
  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    comment: 'Evolve: SQL inside JS/TS. Tagged templates (sql`...`, sql.unsafe`...`, sql.type(x)`...`, Prisma.sql`...`, $queryRaw`...`, $executeRaw`...`) and the first string argument of raw SQL calls (knex.raw, whereRaw, $queryRawUnsafe, unsafe: always; query, prepare, exec, execute, run: when it starts with a SQL keyword). Embeds source.sql; ${...} stays TypeScript. Generated by scripts/grammars/write.ts from scripts/grammars/sql-injection.ts; tests: test/grammar/fixtures, run by test/grammar.test.ts.',
    scopeName: 'evolve.sql.injection',
    injectionSelector: HOSTS.map((h) => `L:${h} -comment -string -meta.embedded.block.sql`).join(', '),
    patterns: [{ include: '#tagged-template' }, { include: '#typed-tagged-template' }, { include: '#call-raw-sql' }, { include: '#call-sql-if-keyword' }],
    repository: {
      'tagged-template': {
        comment: "sql`...`, db.sql`...`, Prisma.sql`...`, sql.unsafe`...`, sql.fragment`...`, sql<Row>`...`, prisma.$queryRaw`...`, tx.$executeRaw`...`. The match starts where the member chain starts and never right after a '.' (getClient().$queryRaw`...`, rows[0].sql`...` stay plain templates): there the host grammar has already opened its template-call rule, and taking its template away would leave that rule open for the rest of the file.",
        patterns: [
          tag(R`(sql)(?:\s*(\.)\s*(unsafe|fragment))?`, {
            '2': { name: 'entity.name.function.tagged-template.ts' },
            '3': { name: 'punctuation.accessor.ts' },
            '4': { name: 'entity.name.function.tagged-template.ts' },
          }),
          tag(R`(\$(?:query|execute)Raw)`, { '2': { name: 'entity.name.function.tagged-template.ts' } }),
        ],
      },
      'typed-tagged-template': {
        comment: "Slonik: sql.type(schema)`...`, sql.typeAlias('name')`...` (the call and the template on one line)",
        begin: R`(?<![\w$#.])` + TAG_CHAIN + R`(sql)\s*(\.)\s*(type|typeAlias)\s*(?=\((?:[^()` + '`' + R`]|\([^()` + '`' + R`]*\))*\)\s*` + '`)',
        beginCaptures: { '1': chainCaptures, '2': { name: 'variable.other.object.ts' }, '3': { name: 'punctuation.accessor.ts' }, '4': { name: 'meta.function-call.ts entity.name.function.ts' } },
        end: '(?<=`)',
        patterns: [
          { begin: R`\G\s*(\()`, beginCaptures: { '1': roundBrace }, end: R`\)`, endCaptures: { '0': roundBrace }, patterns: [{ include: '#call-arguments' }] },
          sqlTemplate('`', '0'),
        ],
      },
      'call-raw-sql': {
        comment: `APIs whose first argument is always SQL: knex.raw('...') and knex's whereRaw, orWhereRaw, havingRaw, joinRaw, orderByRaw, groupByRaw, fromRaw, prisma.$queryRawUnsafe('...'), sql.unsafe('...'). ${CALL_START}`,
        patterns: RAW_SQL_CALLS.map((name) => call(name, 'first-string-sql', ANY_STRING)),
      },
      'call-sql-if-keyword': {
        comment: `query('SELECT ...'), prepare(...), exec(...), execute(...), run(...): SQL only when the string starts with a SQL keyword (or is a template whose next line does). ${CALL_START}`,
        patterns: KEYWORD_SQL_CALLS.map((name) => call(name, 'first-string-sql-if-keyword', KEYWORD_STRING)),
      },
      'first-string-sql': firstString(ANY_STRING, [{ include: '#sql-strings' }], "The first argument, when a string, is SQL (\\G: right after the '(', or at the next line's start when the '(' ends its line)"),
      'first-string-sql-if-keyword': firstString(
        KEYWORD_STRING,
        [{ include: '#sql-single-quoted' }, { include: '#sql-double-quoted' }, { include: '#template-sql-if-next-line-starts-with-keyword' }, { include: '#sql-template' }],
        'The first argument is SQL when it is a string that starts with a SQL keyword, or a template whose next line does (or starts with a -- comment)',
      ),
      'template-sql-if-next-line-starts-with-keyword': {
        comment: "query(`<newline>SELECT ...`): a template whose opening backtick ends its line is SQL when its next line starts with a SQL keyword or --, else a plain template (query(`<newline>query { ... }`) in GraphQL clients). \\G is the next line's start: the begin takes the line's end.",
        begin: R`(` + '`' + R`)\s*$`,
        beginCaptures: { '1': templateBegin },
        end: '`',
        endCaptures: templateEnd,
        patterns: [
          { begin: R`\G(?=\s*(?:` + KEYWORD + '|--))', end: '(?=`)', name: 'meta.embedded.block.sql', patterns: [{ include: '#sql-template-content' }] },
          { begin: R`\G(?=[^` + '`])', end: '(?=`)', name: 'string.template.ts', patterns: [{ include: 'source.ts#template-substitution-element' }, { include: 'source.ts#string-character-escape' }] },
        ],
      },
      'call-arguments': { patterns: [{ include: 'source.ts#comment' }, { include: 'source.ts#expression' }, { include: 'source.ts#punctuation-comma' }] },
      'sql-strings': { patterns: [{ include: '#sql-single-quoted' }, { include: '#sql-double-quoted' }, { include: '#sql-template' }] },
      'sql-single-quoted': quoted("'", 'string.quoted.single'),
      'sql-double-quoted': quoted('"', 'string.quoted.double'),
      'sql-template': sqlTemplate('`', '0'),
      'sql-template-content': {
        patterns: [
          { include: '#template-substitution' },
          { include: 'source.ts#string-character-escape' },
          { include: '#sql-json-operators' },
          { include: '#sql-line-comments-in-template' },
          { include: '#sql-quoted-in-template' },
          { include: '#sql-brackets-in-template' },
          { include: 'source.sql' },
        ],
      },
      'template-substitution': {
        comment: '${...} is TypeScript; $self first so that nested sql`...` fragments are SQL too',
        begin: R`\$\{`,
        beginCaptures: { '0': { name: 'punctuation.definition.template-expression.begin.ts' } },
        end: '}',
        endCaptures: { '0': { name: 'punctuation.definition.template-expression.end.ts' } },
        name: 'meta.template.expression.ts',
        contentName: 'meta.embedded.line.ts',
        patterns: [{ include: '$self' }, { include: 'source.ts#expression' }],
      },
      'sql-quoted-in-template': {
        comment: "SQL strings and quoted identifiers in a template: they may hold ${...}, and they end at the template's end",
        patterns: [
          { begin: "'", end: "'|(?=`)", name: 'string.quoted.single.sql', patterns: [{ include: '#template-substitution' }, { include: 'source.ts#string-character-escape' }] },
          { begin: '"', end: '"|(?=`)', name: 'string.quoted.double.sql', patterns: [{ include: '#template-substitution' }, { include: 'source.ts#string-character-escape' }] },
        ],
      },
      'sql-line-comments-in-template': {
        comment: "-- and # comments end at the line's end or at the template's closing backtick (source.sql's run to the line's end)",
        patterns: [lineComment('--', 'double-dash', '(?=`)|$'), lineComment('#', 'number-sign', '(?=`)|$')],
      },
      'sql-line-comments-in-quotes': {
        comment: '-- and # comments in a quoted string end at its closing quote',
        patterns: [lineComment('--', 'double-dash', R`(?=['"])|$`), lineComment('#', 'number-sign', R`(?=['"])|$`)],
      },
      'sql-json-operators': { comment: "PostgreSQL's #> #>> #- are operators, not MySQL # comments", match: '#>>?|#-', name: 'keyword.operator.json.sql' },
      'sql-brackets-in-template': {
        comment: "ARRAY[${a}, ${b}], col[${i}]: source.sql's [...] would hide ${...} and could run past the template",
        begin: R`\[`,
        end: R`\]|(?=` + '`)',
        patterns: [{ include: '#sql-template-content' }],
      },
    },
  };
}
