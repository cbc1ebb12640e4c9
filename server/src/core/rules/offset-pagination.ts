// offset-pagination: a loop that pages with LIMIT/OFFSET or skip/take. Each page makes the database
// walk past every earlier row again, so pages slow down as the offset grows; and when the loop's own
// writes change which rows the filter matches (or delete them), rows shift and advancing the offset
// skips some of them. Keyset pages (WHERE id > last ORDER BY id LIMIT n) have neither problem.
import { VOCABULARY } from '../libraries';
import { isFunctionLike, isNumericLiteralLike, lineOf, nameOfCallee, staticText, unwrap } from '../semantics/ast';
import { classifyCall } from '../semantics/calls';
import { firstWrite, resolveCallee } from '../semantics/functions';
import { loopsIn, type Loop } from '../semantics/loops';
import { stringValue } from '../semantics/origins';
import { indexOf } from '../semantics/tree-index';
import { ts } from '../ts';
import { docsUrl, type Rule } from '../rule';

/** `0` and `1` do not page: `skip: 1` steps over a keyset cursor's own row. */
function skipsRows(value: ts.Expression | undefined): boolean {
  if (!value) return false;
  const v = unwrap(value);
  return !(isNumericLiteralLike(v) && /^-?[01]$/.test(v.getText()));
}

function propertyValue(obj: ts.ObjectLiteralExpression, keys: Set<string>): ts.Expression | undefined | null {
  for (const p of obj.properties) {
    const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
    if (!name || !keys.has(name)) continue;
    if (ts.isPropertyAssignment(p)) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p)) return p.name;
    return null;
  }
  return undefined;
}

/** Whether a read call skips a count of rows: `.offset(n)`, `{ skip: n }` (without a keyset cursor), `OFFSET $2`. */
function isOffsetRead(call: ts.CallExpression): boolean {
  const info = classifyCall(call);
  if (info.kind !== 'read' || info.single) return false;
  let links: ts.CallExpression[] = [];
  for (let e: ts.Expression = call; ts.isCallExpression(e); ) {
    links.push(e);
    const callee = unwrap(e.expression);
    e = ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee) ? unwrap(callee.expression) : callee;
  }
  links = links.reverse();
  const objects = links.flatMap((l) => l.arguments.map(unwrap).filter(ts.isObjectLiteralExpression));
  if (objects.some((o) => propertyValue(o, VOCABULARY.keysetOptions) !== undefined)) return false;
  for (const link of links) {
    if (VOCABULARY.offsetOptions.has(nameOfCallee(link.expression) ?? '') && skipsRows(link.arguments[0])) return true;
    const sql = link.arguments[0] && (stringValue(link.arguments[0]) ?? staticText(link.arguments[0]));
    if (sql && /\boffset\s+(?!0\b)\S/i.test(sql)) return true;
  }
  return objects.some((o) => {
    const v = propertyValue(o, VOCABULARY.offsetOptions);
    return v !== undefined && (v === null || skipsRows(v));
  });
}

function isOffsetTemplate(n: ts.TaggedTemplateExpression): boolean {
  const sql = staticText(n.template);
  return !!sql && /^\s*(select|with)\b/i.test(sql) && /\boffset\s+\?/i.test(sql);
}

/**
 * The offset read a page loop makes, directly or (at `depth` 0) through a helper it calls: the read,
 * or the call of the helper. Callbacks passed to calls are searched too; other nested functions are not.
 */
function offsetReadIn(body: ts.Node, depth = 0): ts.Node | undefined {
  const index = indexOf(body);
  const { nodes, ends } = index;
  for (let i = index.start(body), end = index.end(body, i); i < end; i++) {
    const c = nodes[i];
    if (isFunctionLike(c) && !(c.parent && ts.isCallExpression(c.parent))) {
      i = ends[i] - 1;
      continue;
    }
    if (ts.isTaggedTemplateExpression(c)) {
      if (isOffsetTemplate(c)) return c;
    } else if (ts.isCallExpression(c)) {
      if (isOffsetRead(c)) return c;
      if (depth === 0) {
        const helper = resolveCallee(c)?.body;
        // An expression-bodied helper is itself the read: `const page = (skip) => Model.find({}, { skip })`.
        if (helper && ts.isCallExpression(helper) && isOffsetRead(helper)) return c;
        if (helper && offsetReadIn(helper, 1)) return c;
      }
    }
  }
  return undefined;
}

function isPageLoop(loop: Loop): boolean {
  return loop.kind === 'while' || loop.kind === 'do' || (loop.kind === 'for' && !loop.iterated);
}

export const offsetPagination: Rule = {
  meta: {
    id: 'offset-pagination',
    description: 'A loop pages with LIMIT/OFFSET or skip/take, which slows down page after page and skips rows when the loop changes them.',
    docsUrl: docsUrl('offset-pagination'),
    defaultSeverity: 'warning',
    hasSuggestions: false,
    messages: {
      offset:
        'Offset pagination: this loop pages with an offset (line {readLine}). Every page makes the database walk past all earlier rows again, so pages get slower as the offset grows, ' +
        'and rows inserted or deleted meanwhile shift between pages (some are skipped, some seen twice). Page by key instead: WHERE id > last ORDER BY id LIMIT n.',
      offsetWithWrites:
        'Offset pagination: this loop pages with an offset (line {readLine}) and writes as it goes (line {writeLine}). ' +
        'If its writes take rows out of the filter or delete them, every later row shifts back and the next offset jumps past rows never processed; and every page walks past all earlier rows again. ' +
        'Page by key instead: WHERE id > last ORDER BY id LIMIT n.',
    },
  },
  check(context) {
    for (const loop of loopsIn(context.sf)) {
      if (!isPageLoop(loop)) continue;
      const read = offsetReadIn(loop.body);
      if (!read) continue;
      const write = firstWrite(loop.body);
      context.report({
        node: loop.node,
        messageId: write ? 'offsetWithWrites' : 'offset',
        data: { readLine: lineOf(read), writeLine: write ? lineOf(write) : 0 },
        related: [{ node: read, message: 'The page read with an offset.' }, ...(write ? [{ node: write, message: "The loop's own write." }] : [])],
        subjects: [loop.node, read],
        facts: { readLine: lineOf(read) },
      });
    }
  },
};
