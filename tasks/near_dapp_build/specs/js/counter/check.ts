// Interface probe: type-checks only if the contract exposes the spec's methods with the spec's types.
import { Counter } from "./src/contract";

declare const c: Counter;
c.init({ start: 5 });
const n: number = c.get_num();
const up: number = c.increment();
const down: number = c.decrement();
const nothing: void = c.reset();
export const probe = [n, up, down, nothing];
