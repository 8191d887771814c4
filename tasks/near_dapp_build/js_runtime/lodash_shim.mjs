// near-sdk-js imports only `cloneDeep` from "lodash-es"; loading lodash-es's index evaluates ~650 modules per
// test process. The loader points near-sdk-js at this shim instead: the same function, a fraction of the work.
export { default as cloneDeep } from "lodash-es/cloneDeep.js";
