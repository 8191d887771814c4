// TypeScript -> JavaScript for the behaviour runner (types erased, decorators kept), printed base64 on stdout.
// Runs none of the contract's code.
import ts from "typescript";
import { readFileSync } from "node:fs";

const out = ts.transpileModule(readFileSync("contract.ts", "utf8"), {
  compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ES2020, experimentalDecorators: true },
  reportDiagnostics: false,
});
process.stdout.write(Buffer.from(out.outputText, "utf8").toString("base64"));
