use near_sdk::json_types::U128;
use near_sdk::mock::MockAction;
use near_sdk::test_utils::{accounts, get_created_receipts, VMContextBuilder};
use near_sdk::{env, testing_env, NearToken};

fn call_as(i: usize, deposit: NearToken) {
    testing_env!(VMContextBuilder::new()
        .predecessor_account_id(accounts(i))
        .attached_deposit(deposit)
        .build());
}

fn funded_store(i: usize) -> KeyValueStore {
    call_as(i, NearToken::from_near(1));
    let mut kv = KeyValueStore::new();
    kv.storage_deposit();
    call_as(i, NearToken::from_yoctonear(0));
    kv
}

#[test]
fn deposit_accumulates() {
    call_as(1, NearToken::from_near(1));
    let mut kv = KeyValueStore::new();
    assert_eq!(
        kv.storage_deposit(),
        U128(NearToken::from_near(1).as_yoctonear())
    );
    assert_eq!(
        kv.storage_deposit(),
        U128(NearToken::from_near(2).as_yoctonear())
    );
    assert_eq!(
        kv.storage_balance_of(accounts(1)),
        U128(NearToken::from_near(2).as_yoctonear())
    );
    assert_eq!(kv.storage_balance_of(accounts(2)), U128(0));
}

#[test]
fn set_and_get_are_namespaced() {
    let mut kv = funded_store(1);
    kv.set("color".to_string(), "blue".to_string());
    assert_eq!(
        kv.get(accounts(1), "color".to_string()),
        Some("blue".to_string())
    );
    assert_eq!(kv.get(accounts(2), "color".to_string()), None);
    kv.set("color".to_string(), "red".to_string());
    assert_eq!(
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
    assert!(used > 0, "set must write to storage during the call");
    let cost = u128::from(used) * env::storage_byte_cost().as_yoctonear();
    assert_eq!(
        kv.storage_balance_of(accounts(1)),
        U128(NearToken::from_near(1).as_yoctonear() - cost)
    );
}

#[test]
fn remove_refunds_storage() {
    let mut kv = funded_store(1);
    kv.set("k".to_string(), "value".to_string());
    assert_eq!(kv.remove("k".to_string()), Some("value".to_string()));
    assert_eq!(kv.get(accounts(1), "k".to_string()), None);
    assert_eq!(
        kv.storage_balance_of(accounts(1)),
        U128(NearToken::from_near(1).as_yoctonear())
    );
    assert_eq!(kv.remove("k".to_string()), None);
}

#[test]
#[should_panic]
fn set_without_balance_panics() {
    call_as(2, NearToken::from_yoctonear(0));
    let mut kv = KeyValueStore::new();
    kv.set("k".to_string(), "v".to_string());
}

#[test]
#[should_panic]
fn zero_deposit_panics() {
    call_as(2, NearToken::from_yoctonear(0));
    let mut kv = KeyValueStore::new();
    kv.storage_deposit();
}

#[test]
fn withdraw_sends_balance_back() {
    let mut kv = funded_store(3);
    assert_eq!(
        kv.storage_withdraw(),
        U128(NearToken::from_near(1).as_yoctonear())
    );
    assert_eq!(kv.storage_balance_of(accounts(3)), U128(0));
    let sent: Vec<u128> = get_created_receipts()
        .into_iter()
        .filter(|r| r.receiver_id == accounts(3))
        .flat_map(|r| r.actions)
        .filter_map(|a| match a {
            MockAction::Transfer { deposit, .. } => Some(deposit.as_yoctonear()),
            _ => None,
        })
        .collect();
    assert_eq!(sent, vec![NearToken::from_near(1).as_yoctonear()]);
}
