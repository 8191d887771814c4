// Behaviour tests (node + the harness's test host): the scenarios of specs/rust/counter/tests.rs.
// The spec names no error messages, so a rejected call is checked by its failure and by the state after it,
// always next to the valid path on the same contract.
export const tests = {
  starts_at_initial_value(t) {
    t.init("init", { start: 41 }, { predecessor: t.accounts(0) });
    t.eq(t.view("get_num", {}), 41, "get_num after init(41)");
  },

  increment_and_decrement_return_new_value(t) {
    t.init("init", { start: 0 }, { predecessor: t.accounts(0) });
    t.eq(t.call("increment", {}), 1, "first increment");
    t.eq(t.call("increment", {}), 2, "second increment");
    t.eq(t.call("decrement", {}), 1, "first decrement");
    t.eq(t.call("decrement", {}), 0, "second decrement");
    t.eq(t.call("decrement", {}), -1, "below zero");
    t.eq(t.view("get_num", {}), -1, "get_num");
  },

  owner_can_reset(t) {
    t.init("init", { start: 7 }, { predecessor: t.accounts(0) });
    t.call("increment", {}, { predecessor: t.accounts(1) });
    t.eq(t.view("get_num", {}), 8, "anyone can increment");
    t.call("reset", {}, { predecessor: t.accounts(0) });
    t.eq(t.view("get_num", {}), 0, "reset by the owner");
  },

  stranger_cannot_reset(t) {
    t.init("init", { start: 5 }, { predecessor: t.accounts(0) });
    t.throws(() => t.call("reset", {}, { predecessor: t.accounts(1) }), "");
    t.eq(t.view("get_num", {}), 5, "value after a stranger's reset");
    t.call("reset", {}, { predecessor: t.accounts(0) });
    t.eq(t.view("get_num", {}), 0, "the owner can still reset");
  },

  owner_is_the_initialiser(t) {
    t.init("init", { start: 3 }, { predecessor: t.accounts(2) });
    t.throws(() => t.call("reset", {}, { predecessor: t.accounts(0) }), "");
    t.call("reset", {}, { predecessor: t.accounts(2) });
    t.eq(t.view("get_num", {}), 0, "reset by the account that called init");
  },
};
