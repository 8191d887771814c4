// Behaviour tests (node + the harness's test host): the scenarios of specs/rust/guest_book/tests.rs.
const PREMIUM = 10n ** 23n;

export const tests = {
  empty_book(t) {
    t.context({ predecessor: t.accounts(0) });
    t.eq(t.view("total_messages", {}), 0, "total of an empty book");
    t.eq(t.view("get_messages", {}), [], "messages of an empty book");
  },

  records_sender_text_and_premium(t) {
    t.call("add_message", { text: "hello" }, { predecessor: t.accounts(1), deposit: 0n });
    t.call("add_message", { text: "paid" }, { predecessor: t.accounts(2), deposit: PREMIUM });
    t.eq(t.view("get_messages", {}), [
      { premium: false, sender: t.accounts(1), text: "hello" },
      { premium: true, sender: t.accounts(2), text: "paid" },
    ], "messages");
    t.eq(t.view("total_messages", {}), 2, "total");
  },

  just_below_threshold_is_not_premium(t) {
    t.call("add_message", { text: "almost" }, { predecessor: t.accounts(1), deposit: PREMIUM - 1n });
    t.eq(t.view("get_messages", {})[0].premium, false, "premium just below 0.1 NEAR");
  },

  pagination(t) {
    for (let i = 0; i < 12; i++) t.call("add_message", { text: `m${i}` }, { predecessor: t.accounts(1) });
    t.eq(t.view("get_messages", {}).length, 10, "default limit");
    t.eq(t.view("get_messages", { from_index: 10 }).map((m) => m.text), ["m10", "m11"], "from_index");
    t.eq(t.view("get_messages", { from_index: 3, limit: 2 }).map((m) => m.text), ["m3", "m4"], "from_index + limit");
  },

  empty_text_fails(t) {
    t.call("add_message", { text: "first" }, { predecessor: t.accounts(1) });
    t.throws(() => t.call("add_message", { text: "" }, { predecessor: t.accounts(1) }), "");
    t.eq(t.view("total_messages", {}), 1, "an empty text is not stored");
  },
};
