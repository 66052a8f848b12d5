/**
 * Functions longer than a limit (the house style's ~80 lines) in given files or folders:
 * function declarations, methods, constructors, accessors, function expressions and arrow
 * functions with a block body, each counted from its first to its last line.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

export interface LongFunction {
  readonly file: string;
  readonly name: string;
  readonly line: number;
  readonly lines: number;
}

function sourceFiles(path: string): string[] {
  if (statSync(path).isFile()) return path.endsWith(".ts") ? [path] : [];
  return readdirSync(path).sort().flatMap((name) => sourceFiles(join(path, name)));
}

function functionName(node: ts.FunctionLikeDeclaration, sourceFile: ts.SourceFile): string {
  if (node.name) return node.name.getText(sourceFile);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText(sourceFile);
  return "(anonymous)";
}

function isCountedFunction(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node) || ts.isFunctionExpression(node) || (ts.isArrowFunction(node) && ts.isBlock(node.body));
}

/** Functions under `paths` spanning more than `maxLines` lines, longest first. */
export function longFunctions(paths: readonly string[], maxLines = 80): LongFunction[] {
  const found: LongFunction[] = [];
  for (const file of paths.flatMap(sourceFiles)) {
    const sourceFile = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (isCountedFunction(node) && node.body) {
        const first = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line;
        const last = sourceFile.getLineAndCharacterOfPosition(node.getEnd()).line;
        if (last - first + 1 > maxLines) found.push({ file, name: functionName(node, sourceFile), line: first + 1, lines: last - first + 1 });
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return found.sort((a, b) => b.lines - a.lines);
}
