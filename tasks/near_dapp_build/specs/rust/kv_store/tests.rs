use near_sdk::json_types::U128;
use near_sdk::mock::MockAction;
use near_sdk::test_utils::{accounts, get_created_receipts, VMContextBuilder};
use near_sdk::{env, testing_env, AccountId, NearToken};

fn call_as(i: usize, deposit: NearToken) {
    testing_env!(VMContextBuilder::new()
        .signer_account_id(accounts(5))
        .predecessor_account_id(accounts(i))
        .attached_deposit(deposit)
        .build());
}

fn one_near() -> u128 {
    NearToken::from_near(1).as_yoctonear()
}

fn byte_cost() -> u128 {
    env::storage_byte_cost().as_yoctonear()
}

fn funded_store(i: usize) -> KeyValueStore {
    call_as(i, NearToken::from_near(1));
    let mut kv = KeyValueStore::new();
    ::core::assert_eq!(kv.storage_deposit(), U128(one_near()));
    call_as(i, NearToken::from_yoctonear(0));
    kv
}

fn transfers() -> Vec<(AccountId, u128)> {
    get_created_receipts()
        .into_iter()
        .flat_map(|r| {
            let to = r.receiver_id.clone();
            r.actions.into_iter().filter_map(move |a| match a {
                MockAction::Transfer { deposit, .. } => Some((to.clone(), deposit.as_yoctonear())),
                _ => None,
            })
        })
        .collect()
}

#[test]
fn deposit_accumulates() {
    call_as(1, NearToken::from_near(1));
    let mut kv = KeyValueStore::new();
    ::core::assert_eq!(kv.storage_deposit(), U128(one_near()));
    ::core::assert_eq!(kv.storage_deposit(), U128(2 * one_near()));
    ::core::assert_eq!(kv.storage_balance_of(accounts(1)), U128(2 * one_near()));
    ::core::assert_eq!(kv.storage_balance_of(accounts(2)), U128(0));
    ::core::assert_eq!(kv.storage_balance_of(accounts(5)), U128(0));
}

#[test]
fn set_and_get_are_namespaced() {
    let mut kv = funded_store(1);
    kv.set("color".to_string(), "blue".to_string());
    ::core::assert_eq!(
        kv.get(accounts(1), "color".to_string()),
        Some("blue".to_string())
    );
    ::core::assert_eq!(kv.get(accounts(2), "color".to_string()), None);
    kv.set("color".to_string(), "red".to_string());
    ::core::assert_eq!(
        kv.get(accounts(1), "color".to_string()),
        Some("red".to_string())
    );
    // Another account removing "its" color touches nothing of accounts(1).
    call_as(2, NearToken::from_yoctonear(0));
    ::core::assert_eq!(kv.remove("color".to_string()), None);
    ::core::assert_eq!(
        kv.get(accounts(1), "color".to_string()),
        Some("red".to_string())
    );
}

#[test]
fn set_charges_exactly_the_storage_used() {
    let mut kv = funded_store(1);
    let before = env::storage_usage();
    kv.set("k".to_string(), "a fairly long value to store".to_string());
    let used = env::storage_usage() - before;
    ::core::assert!(used > 0, "set must write to storage during the call");
    ::core::assert_eq!(
        kv.storage_balance_of(accounts(1)),
        U128(one_near() - u128::from(used) * byte_cost())
    );
}

#[test]
fn shrinking_a_value_credits_the_freed_bytes() {
    let mut kv = funded_store(1);
    let before = env::storage_usage();
    kv.set("k".to_string(), "x".repeat(200));
    let long_cost = u128::from(env::storage_usage() - before) * byte_cost();
    ::core::assert_eq!(
        kv.storage_balance_of(accounts(1)),
        U128(one_near() - long_cost)
    );
    kv.set("k".to_string(), "short".to_string());
    let net = u128::from(env::storage_usage() - before) * byte_cost();
    ::core::assert!(net < long_cost);
    ::core::assert_eq!(kv.storage_balance_of(accounts(1)), U128(one_near() - net));
    ::core::assert_eq!(
        kv.get(accounts(1), "k".to_string()),
        Some("short".to_string())
    );
}

#[test]
fn remove_refunds_storage() {
    let mut kv = funded_store(1);
    kv.set("k".to_string(), "value".to_string());
    ::core::assert!(kv.storage_balance_of(accounts(1)).0 < one_near());
    ::core::assert_eq!(kv.remove("k".to_string()), Some("value".to_string()));
    ::core::assert_eq!(kv.get(accounts(1), "k".to_string()), None);
    ::core::assert_eq!(kv.storage_balance_of(accounts(1)), U128(one_near()));
    ::core::assert_eq!(kv.remove("k".to_string()), None);
    ::core::assert_eq!(kv.storage_balance_of(accounts(1)), U128(one_near()));
}

#[test]
#[should_panic(expected = "not enough storage balance")]
fn set_without_balance_panics() {
    let mut kv = funded_store(1);
    kv.set("k".to_string(), "v".to_string());
    ::core::assert_eq!(kv.get(accounts(1), "k".to_string()), Some("v".to_string()));
    call_as(2, NearToken::from_yoctonear(0));
    kv.set("k".to_string(), "v".to_string());
}

#[test]
#[should_panic(expected = "not enough storage balance")]
fn set_beyond_balance_panics() {
    call_as(3, NearToken::from_yoctonear(0));
    let mut kv = KeyValueStore::new();
    call_as(3, NearToken::from_yoctonear(50 * byte_cost()));
    ::core::assert_eq!(kv.storage_deposit(), U128(50 * byte_cost()));
    call_as(3, NearToken::from_yoctonear(0));
    kv.set("k".to_string(), "y".repeat(500));
}

#[test]
#[should_panic(expected = "attach a deposit")]
fn zero_deposit_panics() {
    call_as(2, NearToken::from_near(1));
    let mut kv = KeyValueStore::new();
    ::core::assert_eq!(kv.storage_deposit(), U128(one_near()));
    call_as(2, NearToken::from_yoctonear(0));
    kv.storage_deposit();
}

#[test]
fn withdraw_sends_balance_back() {
    let mut kv = funded_store(3);
    ::core::assert_eq!(kv.storage_withdraw(), U128(one_near()));
    ::core::assert_eq!(kv.storage_balance_of(accounts(3)), U128(0));
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(3), one_near())]);
    call_as(3, NearToken::from_yoctonear(0));
    ::core::assert_eq!(kv.storage_withdraw(), U128(0));
    ::core::assert!(transfers().is_empty());
    call_as(3, NearToken::from_yoctonear(1));
    kv.storage_deposit();
    ::core::assert_eq!(kv.storage_withdraw(), U128(1));
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(3), 1)]);
}

#[test]
fn a_balance_of_exactly_the_cost_is_enough() {
    let mut kv = funded_store(1);
    let before = env::storage_usage();
    kv.set("k".to_string(), "v".to_string());
    let cost = u128::from(env::storage_usage() - before) * byte_cost();
    ::core::assert_eq!(kv.remove("k".to_string()), Some("v".to_string()));
    ::core::assert_eq!(kv.storage_withdraw(), U128(one_near()));
    call_as(1, NearToken::from_yoctonear(cost));
    ::core::assert_eq!(kv.storage_deposit(), U128(cost));
    call_as(1, NearToken::from_yoctonear(0));
    kv.set("k".to_string(), "v".to_string());
    ::core::assert_eq!(kv.storage_balance_of(accounts(1)), U128(0));
}
