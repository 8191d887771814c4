// Module resolution for the behaviour runner: near-sdk-js's extensionless relative imports get ".js" (QuickJS
// resolves them, node does not); the contract may import "near-sdk-js" and nothing else (no node:fs, no
// child_process, no relative files).
export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL ?? "";
  if (parent.endsWith("/contract.mjs") && specifier !== "near-sdk-js") {
    throw new Error(`the contract may import only "near-sdk-js", not ${JSON.stringify(specifier)}`);
  }
  if (specifier === "lodash-es" && parent.includes("/near-sdk-js/lib/")) {
    return nextResolve(new URL("./lodash_shim.mjs", import.meta.url).href, context);
  }
  if (specifier.startsWith(".") && !/\.(m?js|json)$/.test(specifier)) {
    try {
      return await nextResolve(specifier + ".js", context);
    } catch {
      return nextResolve(specifier + "/index.js", context);
    }
  }
  return nextResolve(specifier, context);
}
