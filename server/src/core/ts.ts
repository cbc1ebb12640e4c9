// The TypeScript compiler API, as the core uses it: plain compiler nodes, no ts-morph wrappers, and
// no ts-morph at all (loading it cost about 110 ms of CPU per process, for nothing the core uses).
// The compiler's module exports every function and enum through a getter (its bundle's
// `__export`), and a bundler's interop adds another: `ts.isCallExpression(node)` then costs two
// getter calls before the call itself, which profiled at about an eighth of the analysis. `ts` is
// a copy of those exports as plain data properties, taken once at load.
import compiler from 'typescript';

const flat: Record<string, unknown> = {};
for (const key of Object.keys(compiler)) flat[key] = (compiler as unknown as Record<string, unknown>)[key];

export const ts = flat as unknown as typeof compiler;

/** The compiler's types the core names, under the same `ts.` prefix as the values. */
export declare namespace ts {
  export type ArrowFunction = compiler.ArrowFunction;
  export type BindingElement = compiler.BindingElement;
  export type BindingName = compiler.BindingName;
  export type CallExpression = compiler.CallExpression;
  export type CatchClause = compiler.CatchClause;
  export type ClassDeclaration = compiler.ClassDeclaration;
  export type DiagnosticWithLocation = compiler.DiagnosticWithLocation;
  export type Expression = compiler.Expression;
  export type ExpressionStatement = compiler.ExpressionStatement;
  export type ForOfStatement = compiler.ForOfStatement;
  export type ForStatement = compiler.ForStatement;
  export type FunctionDeclaration = compiler.FunctionDeclaration;
  export type FunctionExpression = compiler.FunctionExpression;
  export type FunctionLikeDeclaration = compiler.FunctionLikeDeclaration;
  export type Identifier = compiler.Identifier;
  export type ImportClause = compiler.ImportClause;
  export type ImportEqualsDeclaration = compiler.ImportEqualsDeclaration;
  export type ImportSpecifier = compiler.ImportSpecifier;
  export type IterationStatement = compiler.IterationStatement;
  export type LanguageVariant = compiler.LanguageVariant;
  export type NamespaceImport = compiler.NamespaceImport;
  export type NewExpression = compiler.NewExpression;
  export type Node = compiler.Node;
  export type NodeArray<T extends compiler.Node> = compiler.NodeArray<T>;
  export type NodeFlags = compiler.NodeFlags;
  export type ObjectLiteralElementLike = compiler.ObjectLiteralElementLike;
  export type ObjectLiteralExpression = compiler.ObjectLiteralExpression;
  export type ParameterDeclaration = compiler.ParameterDeclaration;
  export type PropertyAccessExpression = compiler.PropertyAccessExpression;
  export type ScriptKind = compiler.ScriptKind;
  export type ScriptTarget = compiler.ScriptTarget;
  export type SourceFile = compiler.SourceFile;
  export type Statement = compiler.Statement;
  export type StringLiteral = compiler.StringLiteral;
  export type SyntaxKind = compiler.SyntaxKind;
  export type TaggedTemplateExpression = compiler.TaggedTemplateExpression;
  export type TextRange = compiler.TextRange;
  export type TypeNode = compiler.TypeNode;
  export type VariableDeclaration = compiler.VariableDeclaration;
  export type VariableDeclarationList = compiler.VariableDeclarationList;
  export type VariableStatement = compiler.VariableStatement;
}
