// Puts the batch's transaction into a call's options argument, for libraries whose writes join a
// transaction through an option rather than through a handle: Sequelize's `{ transaction }`,
// MongoDB's and Mongoose's `{ session }`.
import { unwrap } from '../../semantics/ast';
import { resolveIdentifier } from '../../semantics/scope';
import { ts } from '../../ts';
import type { BodyEdit } from './derive';

/** The edit that passes `{ [option]: tx }` in argument `index` of `call`, or why it cannot. */
export function optionEdit(call: ts.CallExpression, index: number, option: string, tx: string): BodyEdit | { reason: string } {
  const sf = call.getSourceFile();
  const args = call.arguments;
  const property = option === tx ? option : `${option}: ${tx}`;
  if (args.some((a) => ts.isSpreadElement(a))) return { reason: `a call in the loop spreads its arguments, so Evolve cannot add \`${option}\` to it` };
  if (args.length > index) {
    const arg = unwrap(args[index]);
    if (!ts.isObjectLiteralExpression(arg)) return { start: args[index].getStart(sf), end: args[index].getEnd(), text: `{ ...${args[index].getText(sf)}, ${property} }` };
    if (arg.properties.some((p) => p.name?.getText(sf) === option)) return { reason: `a call in the loop already passes its own \`${option}\`` };
    if (arg.properties.length === 0) return { start: arg.getStart(sf), end: arg.getEnd(), text: `{ ${property} }` };
    const last = arg.properties[arg.properties.length - 1];
    return { start: last.getEnd(), end: last.getEnd(), text: `, ${property}` };
  }
  const padding = Array.from({ length: index - args.length }, () => 'undefined');
  const added = [...padding, `{ ${property} }`].join(', ');
  const at = args.length ? args[args.length - 1].getEnd() : args.pos;
  return { start: at, end: at, text: args.length ? `, ${added}` : added };
}

/**
 * Edits for every use of `handle` in `body`: `methodCall(use)` names the call whose options take the
 * transaction (and the option's index), 'unchanged' for a use that needs none (a row's field), or
 * undefined for a use Evolve cannot route through it.
 */
export function routeHandleUses(
  body: ts.Node,
  handle: ts.Identifier,
  option: string,
  tx: string,
  methodCall: (use: ts.Identifier) => { call: ts.CallExpression; index: number } | 'unchanged' | undefined,
): BodyEdit[] | { reason: string } {
  const decl = resolveIdentifier(handle);
  const edits: BodyEdit[] = [];
  let failed: { reason: string } | undefined;
  const visit = (n: ts.Node): void => {
    if (failed) return;
    if (ts.isIdentifier(n) && n.text === handle.text && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n) && resolveIdentifier(n) === decl) {
      const target = methodCall(n);
      if (target === 'unchanged') return ts.forEachChild(n, visit);
      if (!target) {
        const line = n.getSourceFile().getLineAndCharacterOfPosition(n.getStart()).line + 1;
        failed = { reason: `the loop uses \`${handle.text}\` at line ${line} in a way Evolve cannot pass the batch's \`${option}\` to` };
        return;
      }
      const edit = optionEdit(target.call, target.index, option, tx);
      if ('reason' in edit) failed = edit;
      else edits.push(edit);
    }
    ts.forEachChild(n, visit);
  };
  visit(body);
  return failed ?? edits;
}
