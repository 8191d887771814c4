// Runs ONE behaviour test of a spec against the contract: `node --import ./register.mjs runner.mjs <test> <Class>`.
// The verdict is the exit status plus a proof line: the secret (file `secret`, read and deleted before the
// contract is imported) printed only after the test returned. Before the import, the runner captures what it
// needs, freezes the intrinsics and the global bindings the tests and the host use, and removes `process`,
// so the contract cannot exit early with a forged status, replace assertions, or read the secret.
import { readFileSync, unlinkSync } from "node:fs";
import { ACCOUNTS, TestHost, invoke } from "./host.mjs";

const secret = readFileSync("secret", "utf8").trim();
unlinkSync("secret");
const [testName, className] = process.argv.slice(2);
const exit = process.exit.bind(process);
const out = process.stdout.write.bind(process.stdout);
const err = process.stderr.write.bind(process.stderr);
const { stringify } = JSON;
const { keys } = Object;

function canonical(v) {
  if (typeof v === "bigint") return `${v}`;
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(canonical);
  const o = {};
  for (const k of keys(v).sort()) if (v[k] !== undefined) o[k] = canonical(v[k]);
  return o;
}

const host = new TestHost();
globalThis.env = host.env();
const { tests } = await import("./tests.mjs");
await import("near-sdk-js"); // evaluated before the freeze (lodash assigns to functions); the contract gets this instance

for (const name of ["Object", "Array", "String", "Number", "BigInt", "Boolean", "Symbol", "JSON", "Error",
                    "TypeError", "RangeError", "Function", "Map", "Set", "Promise", "Reflect", "Uint8Array",
                    "TextEncoder", "TextDecoder", "Math"]) {
  const value = globalThis[name];
  Object.freeze(value);
  if (value.prototype) Object.freeze(value.prototype);
  Object.defineProperty(globalThis, name, { value, writable: false, configurable: false });
}
Object.defineProperty(globalThis, "env", { value: globalThis.env, writable: false, configurable: false });
Object.defineProperty(globalThis, "process", { value: undefined, writable: false, configurable: false });

let failure = null;
try {
  const test = tests[testName];
  if (typeof test !== "function") throw new Error(`no behaviour test ${testName}`);
  const mod = await import("./contract.mjs");
  const Contract = mod[className];
  if (typeof Contract !== "function") throw new Error(`the contract module exports no class ${className}`);
  const run = (kind) => (method, args, ctx) => {
    if (ctx) host.context(ctx);
    return invoke(host, Contract, method, args, { kind });
  };
  const t = {
    accounts: (i) => ACCOUNTS[i],
    context: (ctx) => host.context(ctx),
    init: run("init"),
    call: run("call"),
    view: run("view"),
    logs: () => [...host.logs],
    receipts: () => host.receipts.map((r) => ({ receiver: r.receiver, actions: r.actions.map(canonical) })),
    eq(actual, expected, what = "value") {
      const a = stringify(canonical(actual));
      const e = stringify(canonical(expected));
      if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
    },
    ok(condition, what) {
      if (condition !== true) throw new Error(`expected true: ${what}`);
    },
    throws(fn, expected) {
      let thrown = null;
      try {
        fn();
      } catch (e) {
        thrown = e;
      }
      if (thrown === null) throw new Error(`expected a failure with "${expected}", the call succeeded`);
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      if (!message.includes(expected)) throw new Error(`expected a failure with "${expected}", got "${message}"`);
    },
  };
  await test(t);
} catch (e) {
  failure = e;
}
if (failure !== null) {
  err(`behaviour test ${testName} failed: ${failure && failure.message ? failure.message : String(failure)}\n`);
  exit(1);
}
out(secret + "\n");
exit(0);
