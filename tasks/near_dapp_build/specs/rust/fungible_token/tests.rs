use near_sdk::json_types::U128;
use near_sdk::serde_json::Value;
use near_sdk::test_utils::{accounts, get_logs, VMContextBuilder};
use near_sdk::{testing_env, NearToken};

fn call_as(i: usize, yocto: u128) {
    testing_env!(VMContextBuilder::new()
        .predecessor_account_id(accounts(i))
        .attached_deposit(NearToken::from_yoctonear(yocto))
        .build());
}

fn token() -> FungibleToken {
    call_as(0, 0);
    FungibleToken::new(accounts(0), U128(1_000))
}

#[test]
fn owner_gets_total_supply() {
    let t = token();
    assert_eq!(t.ft_total_supply(), U128(1_000));
    assert_eq!(t.ft_balance_of(accounts(0)), U128(1_000));
    assert_eq!(t.ft_balance_of(accounts(1)), U128(0));
}

#[test]
fn transfer_moves_balance() {
    let mut t = token();
    call_as(0, 1);
    t.ft_transfer(accounts(1), U128(300), None);
    assert_eq!(t.ft_balance_of(accounts(0)), U128(700));
    assert_eq!(t.ft_balance_of(accounts(1)), U128(300));
    call_as(1, 1);
    t.ft_transfer(accounts(2), U128(100), Some("rent".to_string()));
    assert_eq!(t.ft_balance_of(accounts(1)), U128(200));
    assert_eq!(t.ft_balance_of(accounts(2)), U128(100));
    assert_eq!(t.ft_total_supply(), U128(1_000));
}

#[test]
fn transfer_logs_nep141_event() {
    let mut t = token();
    call_as(0, 1);
    t.ft_transfer(accounts(1), U128(5), None);
    let events: Vec<Value> = get_logs()
        .iter()
        .filter_map(|l| l.strip_prefix("EVENT_JSON:"))
        .map(|j| near_sdk::serde_json::from_str(j).expect("event is JSON"))
        .collect();
    let transfer = events
        .iter()
        .find(|e| e["event"] == "ft_transfer")
        .expect("an ft_transfer event");
    assert_eq!(transfer["standard"], "nep141");
    assert_eq!(transfer["version"], "1.0.0");
    assert_eq!(transfer["data"][0]["old_owner_id"], "alice");
    assert_eq!(transfer["data"][0]["new_owner_id"], "bob");
    assert_eq!(transfer["data"][0]["amount"], "5");
}

#[test]
#[should_panic]
fn transfer_requires_one_yocto() {
    let mut t = token();
    call_as(0, 0);
    t.ft_transfer(accounts(1), U128(1), None);
}

#[test]
#[should_panic]
fn transfer_more_than_balance_panics() {
    let mut t = token();
    call_as(1, 1);
    t.ft_transfer(accounts(2), U128(1), None);
}

#[test]
#[should_panic]
fn transfer_to_self_panics() {
    let mut t = token();
    call_as(0, 1);
    t.ft_transfer(accounts(0), U128(1), None);
}

#[test]
#[should_panic]
fn zero_amount_panics() {
    let mut t = token();
    call_as(0, 1);
    t.ft_transfer(accounts(1), U128(0), None);
}
