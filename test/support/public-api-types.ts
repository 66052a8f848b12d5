/**
 * Lists the named types that a module's public signatures reach but the module does not export:
 * a user who gets such a value cannot name its type. Walks every exported function, class,
 * constant and type of an entry file through parameters, return types and properties (declared
 * under src/), using the TypeScript compiler's type checker.
 */
import ts from "typescript";

export interface MissingType {
  readonly name: string;
  readonly declaredIn: string;
  readonly reachedFrom: string;
}

export function unexportedSignatureTypes(entryFile: string, tsconfigPath: string): MissingType[] {
  const config = ts.getParsedCommandLineOfConfigFile(tsconfigPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (config === undefined) throw new Error(`cannot read ${tsconfigPath}`);
  const program = ts.createProgram({ rootNames: [entryFile], options: config.options });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entryFile);
  if (source === undefined) throw new Error(`cannot load ${entryFile}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) return [];
  const exported = checker.getExportsOfModule(moduleSymbol);
  const exportedDeclarations = new Set<ts.Declaration>();
  for (const symbol of exported) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    for (const declaration of target.declarations ?? []) exportedDeclarations.add(declaration);
  }
  const missing = new Map<string, MissingType>();
  const seen = new Set<ts.Type>();
  const isOurs = (declaration: ts.Declaration): boolean => {
    const file = declaration.getSourceFile().fileName;
    return file.includes("/src/") && !file.includes("/node_modules/");
  };
  const visitNamed = (symbol: ts.Symbol | undefined, from: string): void => {
    if (symbol === undefined) return;
    for (const declaration of symbol.declarations ?? []) {
      if (!isOurs(declaration)) continue;
      const named = ts.isInterfaceDeclaration(declaration) || ts.isTypeAliasDeclaration(declaration) || ts.isClassDeclaration(declaration) || ts.isEnumDeclaration(declaration);
      if (named && !exportedDeclarations.has(declaration)) {
        const name = symbol.getName();
        if (!missing.has(name)) missing.set(name, { name, declaredIn: declaration.getSourceFile().fileName.replace(/^.*\/src\//, "src/"), reachedFrom: from });
      }
    }
  };
  const visitType = (type: ts.Type, from: string, depth: number): void => {
    if (seen.has(type) || depth > 6) return;
    seen.add(type);
    visitNamed(type.aliasSymbol, from);
    visitNamed(type.getSymbol(), from);
    for (const argument of type.aliasTypeArguments ?? []) visitType(argument, from, depth + 1);
    if (type.isUnionOrIntersection()) for (const part of type.types) visitType(part, from, depth + 1);
    if (checker.isArrayType(type) || checker.isTupleType(type)) for (const argument of checker.getTypeArguments(type as ts.TypeReference)) visitType(argument, from, depth + 1);
    const symbol = type.getSymbol();
    const ours = (symbol?.declarations ?? []).some(isOurs) || (type.aliasSymbol?.declarations ?? []).some(isOurs) || (type.flags & ts.TypeFlags.Object && symbol?.getName() === "__type");
    if (!ours) return;
    for (const signature of [...type.getCallSignatures(), ...type.getConstructSignatures()]) visitSignature(signature, from, depth + 1);
    for (const property of type.getProperties()) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (declaration === undefined) continue;
      visitType(checker.getTypeOfSymbolAtLocation(property, declaration), from, depth + 1);
    }
  };
  const visitSignature = (signature: ts.Signature, from: string, depth: number): void => {
    for (const parameter of signature.getParameters()) {
      const declaration = parameter.valueDeclaration ?? parameter.declarations?.[0];
      if (declaration !== undefined) visitType(checker.getTypeOfSymbolAtLocation(parameter, declaration), from, depth);
    }
    visitType(signature.getReturnType(), from, depth);
  };
  for (const symbol of exported) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const declaration = target.valueDeclaration ?? target.declarations?.[0];
    if (declaration === undefined) continue;
    if (target.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) visitType(checker.getDeclaredTypeOfSymbol(target), symbol.getName(), 0);
    else visitType(checker.getTypeOfSymbolAtLocation(target, declaration), symbol.getName(), 0);
  }
  return [...missing.values()].sort((a, b) => a.name.localeCompare(b.name));
}
