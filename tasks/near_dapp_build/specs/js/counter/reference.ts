import { NearBindgen, assert, call, initialize, near, view } from "near-sdk-js";

@NearBindgen({ requireInit: true })
export class Counter {
  value = 0;
  owner = "";

  @initialize({})
  init({ start }: { start: number }): void {
    this.value = start;
    this.owner = near.predecessorAccountId();
  }

  @view({})
  get_num(): number {
    return this.value;
  }

  @call({})
  increment(): number {
    this.value += 1;
    return this.value;
  }

  @call({})
  decrement(): number {
    this.value -= 1;
    return this.value;
  }

  @call({})
  reset(): void {
    assert(near.predecessorAccountId() === this.owner, "only the owner can reset");
    this.value = 0;
  }
}
