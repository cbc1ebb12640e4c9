// Keyset fetch for TypeORM: `repository.find({ where })` gains `key: MoreThan(after)`, an order by the
// key and `take`, read through the batch's EntityManager; the loop's repository becomes
// `manager.getRepository(Entity)` on that EntityManager.
import { callChain, nameOfCallee, unwrap } from '../../semantics/ast';
import { exportedDeclaration } from '../../semantics/functions';
import { resolveIdentifier } from '../../semantics/scope';
import { ts } from '../../ts';
import type { BodyEdit, Derivation } from './derive';

const UNSAFE = new Set(['order', 'take', 'skip', 'lock', 'cache', 'withDeleted']);
const PRIMARY = /^(PrimaryGeneratedColumn|PrimaryColumn|ObjectIdColumn)$/;

/** The entity class's primary key property, from its `@PrimaryGeneratedColumn()`/`@PrimaryColumn()`. */
function entityKey(entity: ts.Expression): string | undefined {
  if (!ts.isIdentifier(entity)) return undefined;
  let decl: ts.Node | undefined = resolveIdentifier(entity);
  if (decl && ts.isImportSpecifier(decl)) {
    const from = decl.parent.parent.parent.moduleSpecifier;
    decl = ts.isStringLiteral(from) ? exportedDeclaration(entity.getSourceFile(), from.text, (decl.propertyName ?? decl.name).text) : undefined;
  }
  if (!decl || !ts.isClassDeclaration(decl)) return undefined;
  for (const member of decl.members) {
    const decorators = ts.canHaveDecorators(member) ? (ts.getDecorators(member) ?? []) : [];
    if (decorators.some((d) => ts.isCallExpression(d.expression) && PRIMARY.test(nameOfCallee(d.expression.expression) ?? '')) && member.name && ts.isIdentifier(member.name)) {
      return member.name.text;
    }
  }
  return undefined;
}

interface RepositoryRead {
  /** `dataSource`, `queryRunner.manager`: what getRepository (or find) is called on. */
  source: ts.Expression;
  entity: ts.Expression;
  /** The repository variable, when the read goes through one. */
  repository?: ts.VariableDeclaration;
  /** `manager.find(Entity, options)`: the options are the second argument. */
  viaManager?: boolean;
}

/** `manager.find(Entity, options)` on an EntityManager: `dataSource.manager`, `queryRunner.manager`, a `manager: EntityManager`. */
function managerRead(read: ts.CallExpression): RepositoryRead | undefined {
  const callee = unwrap(read.expression);
  if (!ts.isPropertyAccessExpression(callee) || read.arguments.length < 1 || read.arguments.length > 2) return undefined;
  const target = unwrap(callee.expression);
  const entity = unwrap(read.arguments[0]);
  if (!ts.isIdentifier(entity) && !ts.isStringLiteral(entity)) return undefined;
  const isManager = ts.isPropertyAccessExpression(target)
    ? target.name.text === 'manager'
    : ts.isIdentifier(target) && (/manager$/i.test(target.text) || /\bEntityManager\b/.test((resolveIdentifier(target) as ts.ParameterDeclaration | undefined)?.type?.getText() ?? ''));
  return isManager ? { source: target, entity: read.arguments[0], viaManager: true } : undefined;
}

/** `repo.find(...)` with `const repo = source.getRepository(Entity)`, or `source.getRepository(Entity).find(...)`. */
function repositoryRead(read: ts.CallExpression): RepositoryRead | undefined {
  const callee = unwrap(read.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const target = unwrap(callee.expression);
  const decl = ts.isIdentifier(target) ? resolveIdentifier(target) : undefined;
  const repository = decl && ts.isVariableDeclaration(decl) && decl.initializer ? decl : undefined;
  const getRepository = unwrap(repository ? repository.initializer! : target);
  if (!ts.isCallExpression(getRepository) || nameOfCallee(getRepository.expression) !== 'getRepository' || getRepository.arguments.length !== 1) return undefined;
  const access = unwrap(getRepository.expression);
  if (!ts.isPropertyAccessExpression(access)) return undefined;
  return { source: access.expression, entity: getRepository.arguments[0], repository };
}

export function deriveTypeorm(read: ts.CallExpression): Derivation | undefined {
  if (nameOfCallee(read.expression) !== 'find' || callChain(read).length > 2) return undefined;
  const repo = repositoryRead(read) ?? managerRead(read);
  if (!repo) return undefined;
  const source = unwrap(repo.source);
  // `dataSource`, `manager`, `queryRunner.manager`, `dataSource.manager`: a name, or a name's `.manager`.
  const root = ts.isIdentifier(source) ? source : ts.isPropertyAccessExpression(source) && source.name.text === 'manager' && ts.isIdentifier(source.expression) ? source.expression : undefined;
  if (!root) return { reason: 'getRepository() is not called on a plain DataSource or EntityManager' };
  const optionsArg = read.arguments[repo.viaManager ? 1 : 0];
  const arg = optionsArg ? unwrap(optionsArg) : undefined;
  if (read.arguments.length > (repo.viaManager ? 2 : 1) || (arg && !ts.isObjectLiteralExpression(arg))) return { reason: 'the find options are not one object literal Evolve can extend' };
  const key = entityKey(unwrap(repo.entity));
  const kept: string[] = [];
  let where: string[] = [];
  for (const p of arg && ts.isObjectLiteralExpression(arg) ? arg.properties : []) {
    const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
    if (!name) return { reason: 'the find options spread or compute their keys' };
    if (UNSAFE.has(name)) return { reason: `the query already uses \`${name}\`, so its rows cannot be re-read in key order safely` };
    if (name === 'select' && key && ts.isPropertyAssignment(p) && !new RegExp(`\\b${key}\\b`).test(p.initializer.getText())) {
      return { reason: `the query's select leaves out \`${key}\`, which the batches are ordered by` };
    }
    if (name !== 'where') {
      kept.push(p.getText());
      continue;
    }
    const w = ts.isPropertyAssignment(p) ? unwrap(p.initializer) : undefined;
    if (!w || !ts.isObjectLiteralExpression(w)) return { reason: 'the where option is not one object literal (an array means OR), so the key condition cannot be added safely' };
    if (w.properties.some((q) => ts.isSpreadAssignment(q) || (key && q.name?.getText() === key))) return { reason: `the where option spreads another object or already constrains \`${key}\`` };
    where = w.properties.map((q) => q.getText());
  }
  const entityText = repo.entity.getText();
  const sourceDecl = resolveIdentifier(root);
  const repoDecl = repo.repository;
  return {
    adapter: 'typeormAdapter',
    adapterCall: `typeormAdapter(${source.getText()})`,
    handle: root,
    key,
    imports: [{ module: 'typeorm', names: ['MoreThan'] }],
    fetch: (tx, k) => {
      const field = k.replace(/^'|'$/g, '');
      const condition = [...where, `...(after === undefined ? {} : { ${field}: MoreThan(after) })`].join(', ');
      const options = [...kept, `where: { ${condition} }`, `order: { ${field}: 'ASC' }`, 'take: size'].join(',\n    ');
      const isTs = /\.(m|c)?tsx?$/.test(read.getSourceFile().fileName);
      return `${isTs ? `(after: any, size: number, ${tx})` : `(after, size, ${tx})`} =>\n  ${tx}.getRepository(${entityText}).find({\n    ${options},\n  })`;
    },
    bodyEdits: (body, tx) => {
      const edits: BodyEdit[] = [];
      let failed: { reason: string } | undefined;
      const visit = (n: ts.Node): void => {
        if (failed) return;
        if (ts.isIdentifier(n) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) {
          const decl = resolveIdentifier(n);
          if (repoDecl && decl === repoDecl) return void edits.push({ start: n.getStart(), end: n.getEnd(), text: `${tx}.getRepository(${entityText})` });
          if (decl === sourceDecl && n.text === root.text) {
            // The DataSource/EntityManager itself, or `queryRunner.manager`: the batch's EntityManager.
            if (source === root) return void edits.push({ start: n.getStart(), end: n.getEnd(), text: tx });
            if (ts.isPropertyAccessExpression(n.parent) && n.parent.name.text === 'manager') return void edits.push({ start: n.parent.getStart(), end: n.parent.getEnd(), text: tx });
            const line = n.getSourceFile().getLineAndCharacterOfPosition(n.getStart()).line + 1;
            failed = { reason: `the loop uses \`${root.text}\` at line ${line} other than through \`${source.getText()}\`, which Evolve cannot move into the batch's transaction` };
            return;
          }
        }
        ts.forEachChild(n, visit);
      };
      visit(body);
      return failed ?? edits;
    },
  };
}
