// Behaviour tests (node + the harness's test host): the scenarios of specs/rust/donation/tests.rs.
const NEAR = 10n ** 24n;

function transfersTo(t, receiver) {
  return t.receipts().filter((r) => r.receiver === receiver).flatMap((r) => r.actions.map((a) => a.transfer));
}

export const tests = {
  remembers_beneficiary(t) {
    t.init("init", { beneficiary: t.accounts(5) }, { predecessor: t.accounts(0) });
    t.eq(t.view("get_beneficiary", {}), t.accounts(5), "beneficiary");
    t.eq(t.view("number_of_donors", {}), 0, "donors before any donation");
    t.eq(t.view("get_donation_for_account", { account_id: t.accounts(1) }), "0", "total of a non-donor");
  },

  donation_is_recorded_and_forwarded(t) {
    t.init("init", { beneficiary: t.accounts(5) }, { predecessor: t.accounts(0) });
    t.eq(t.call("donate", {}, { predecessor: t.accounts(1), deposit: 2n * NEAR }), `${2n * NEAR}`, "donate returns the total");
    t.eq(transfersTo(t, t.accounts(5)), [`${2n * NEAR}`], "the deposit is forwarded to the beneficiary");
    t.eq(t.view("get_donation_for_account", { account_id: t.accounts(1) }), `${2n * NEAR}`, "recorded total");
  },

  running_totals_per_donor(t) {
    t.init("init", { beneficiary: t.accounts(5) }, { predecessor: t.accounts(0) });
    t.call("donate", {}, { predecessor: t.accounts(1), deposit: NEAR });
    t.call("donate", {}, { predecessor: t.accounts(2), deposit: 5n * NEAR });
    t.eq(t.call("donate", {}, { predecessor: t.accounts(1), deposit: 2n * NEAR }), `${3n * NEAR}`, "running total");
    t.eq(t.view("get_donation_for_account", { account_id: t.accounts(1) }), `${3n * NEAR}`, "first donor");
    t.eq(t.view("get_donation_for_account", { account_id: t.accounts(2) }), `${5n * NEAR}`, "second donor");
    t.eq(t.view("get_donation_for_account", { account_id: t.accounts(3) }), "0", "non-donor");
    t.eq(t.view("number_of_donors", {}), 2, "distinct donors");
  },

  zero_deposit_fails(t) {
    t.init("init", { beneficiary: t.accounts(5) }, { predecessor: t.accounts(0) });
    t.call("donate", {}, { predecessor: t.accounts(1), deposit: NEAR });
    t.throws(() => t.call("donate", {}, { predecessor: t.accounts(2), deposit: 0n }), "");
    t.eq(t.view("number_of_donors", {}), 1, "a failed donation records nothing");
    t.eq(transfersTo(t, t.accounts(5)).length, 1, "and forwards nothing");
  },
};
