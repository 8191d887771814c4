// A test host for near-sdk-js under node: the NEAR host functions near-sdk-js calls (`env.*`), with the
// semantics of near-sdk-rs's unit-test MockedBlockchain (testing_env! + VMContextBuilder): storage, registers,
// context (current/predecessor/signer account, attached deposit, block timestamp/height, balance), logs,
// panics (a thrown Error with the message) and promise batches (recorded, not executed).
// Trusted: written by the harness; installed as `globalThis.env` before the contract is imported.

// Captured before the contract is imported: the contract may replace globals, never these bindings.
const { parse: jsonParse, stringify: jsonStringify } = JSON;
const utf8Enc = new TextEncoder();
const utf8Dec = new TextDecoder("utf-8", { fatal: false });

export const ACCOUNTS = ["alice", "bob", "charlie", "danny", "eugene", "fargo"]; // near_sdk::test_utils::accounts

function latin1(a) {
  let s = "";
  for (let i = 0; i < a.length; i += 4096) s += String.fromCharCode.apply(null, a.subarray(i, i + 4096));
  return s;
}

export class TestHost {
  constructor() {
    this.storage = new Map(); // latin1 key -> Uint8Array
    this.registers = new Map();
    this.logs = [];
    this.receipts = []; // { receiver, actions: [{ transfer: bigint } | ...] }
    this.input = utf8Enc.encode("{}");
    this.returned = null;
    this.context({});
  }

  // Like VMContextBuilder: unspecified fields take near-sdk-rs's defaults.
  // VMContextBuilder::new(): current alice.near, signer and predecessor bob.near (accounts(i) has no suffix), no deposit, time 0, 100 NEAR balance.
  context({ predecessor = "bob.near", signer = "bob.near", current = "alice.near", deposit = 0n, timestamp = 0n,
            height = 0n, balance = 10n ** 26n } = {}) {
    this.ctx = { predecessor, signer, current, deposit: BigInt(deposit),
                 timestamp: BigInt(timestamp), height: BigInt(height), balance: BigInt(balance) };
  }

  snapshot() {
    return new Map(this.storage);
  }

  restore(snapshot) {
    this.storage = snapshot;
  }

  _reg(id, bytes) {
    this.registers.set(Number(id), bytes);
  }

  env() {
    const h = this;
    const str = (s) => utf8Enc.encode(s);
    return Object.freeze({
      read_register: (id) => h.registers.get(Number(id)) ?? null,
      register_len: (id) => BigInt((h.registers.get(Number(id)) ?? { length: -1 }).length),
      current_account_id: (r) => h._reg(r, str(h.ctx.current)),
      predecessor_account_id: (r) => h._reg(r, str(h.ctx.predecessor)),
      signer_account_id: (r) => h._reg(r, str(h.ctx.signer)),
      attached_deposit: () => h.ctx.deposit,
      block_timestamp: () => h.ctx.timestamp,
      block_index: () => h.ctx.height,
      epoch_height: () => 0n,
      account_balance: () => h.ctx.balance,
      account_locked_balance: () => 0n,
      prepaid_gas: () => 300n * 10n ** 12n,
      used_gas: () => 0n,
      storage_usage: () => BigInt([...h.storage].reduce((n, [k, v]) => n + k.length + v.length + 40, 0)),
      input: (r) => h._reg(r, h.input),
      value_return: (v) => { h.returned = v; },
      storage_read: (key, r) => {
        const v = h.storage.get(latin1(key));
        if (v === undefined) return 0n;
        h._reg(r, v);
        return 1n;
      },
      storage_has_key: (key) => (h.storage.has(latin1(key)) ? 1n : 0n),
      storage_write: (key, value, r) => {
        const k = latin1(key);
        const old = h.storage.get(k);
        h.storage.set(k, Uint8Array.from(value));
        if (old !== undefined) h._reg(r, old);
        return old !== undefined ? 1n : 0n;
      },
      storage_remove: (key, r) => {
        const k = latin1(key);
        const old = h.storage.get(k);
        if (old === undefined) return 0n;
        h.storage.delete(k);
        h._reg(r, old);
        return 1n;
      },
      random_seed: (r) => h._reg(r, new Uint8Array(32)),
      log: (msg) => { h.logs.push(String(msg)); },
      log_utf8: (msg) => { h.logs.push(typeof msg === "string" ? msg : utf8Dec.decode(msg)); },
      panic: (msg) => { throw new Error(msg === undefined ? "explicit guest panic" : String(msg)); },
      panic_utf8: (msg) => { throw new Error(typeof msg === "string" ? msg : utf8Dec.decode(msg)); },
      promise_batch_create: (account) => {
        h.receipts.push({ receiver: typeof account === "string" ? account : utf8Dec.decode(account), actions: [] });
        return BigInt(h.receipts.length - 1);
      },
      promise_batch_action_transfer: (i, amount) => { h.receipts[Number(i)].actions.push({ transfer: BigInt(amount) }); },
      utf8_string_to_uint8array: (s) => utf8Enc.encode(s),
      uint8array_to_utf8_string: (a) => utf8Dec.decode(a),
      latin1_string_to_uint8array: (s) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff),
      uint8array_to_latin1_string: (a) => latin1(a),
    });
  }
}

// One contract method called as the chain calls it (what near-sdk-js's build generates for each export):
// state read and reconstructed, arguments from `input`, state written back after a call, the return value
// JSON-serialised; a throw reverts every storage change of the call, as a failed receipt does.
export function invoke(host, Contract, method, args, { kind = "call" } = {}) {
  host.input = utf8Enc.encode(jsonStringify(args ?? {}));
  const before = host.snapshot();
  try {
    let contract;
    if (kind === "init") {
      if (Contract._getState()) throw new Error("Contract already initialized");
      contract = Contract._create();
    } else {
      const state = Contract._getState();
      if (!state && Contract._requireInit()) throw new Error("Contract must be initialized");
      contract = Contract._create();
      if (state) Contract._reconstruct(contract, state);
    }
    if (typeof contract[method] !== "function") throw new Error(`no method ${method}`);
    const result = contract[method](Contract._getArgs());
    if (kind !== "view") Contract._saveToStorage(contract);
    return result === undefined ? undefined : jsonParse(utf8Dec.decode(Contract._serialize(result, true)));
  } catch (error) {
    host.restore(before);
    throw error;
  }
}
