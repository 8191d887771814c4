use near_sdk::json_types::U128;
use near_sdk::serde_json::Value;
use near_sdk::test_utils::{accounts, get_logs, VMContextBuilder};
use near_sdk::{testing_env, NearToken};

fn call_as(i: usize, yocto: u128) {
    testing_env!(VMContextBuilder::new()
        .signer_account_id(accounts(5))
        .predecessor_account_id(accounts(i))
        .attached_deposit(NearToken::from_yoctonear(yocto))
        .build());
}

fn token() -> FungibleToken {
    call_as(0, 0);
    FungibleToken::new(accounts(0), U128(1_000))
}

fn events() -> Vec<Value> {
    get_logs()
        .iter()
        .filter_map(|l| l.strip_prefix("EVENT_JSON:"))
        .map(|j| near_sdk::serde_json::from_str(j).expect("event is JSON"))
        .collect()
}

#[test]
fn owner_gets_total_supply() {
    let t = token();
    ::core::assert_eq!(t.ft_total_supply(), U128(1_000));
    ::core::assert_eq!(t.ft_balance_of(accounts(0)), U128(1_000));
    ::core::assert_eq!(t.ft_balance_of(accounts(1)), U128(0));
    call_as(0, 0);
    let other = FungibleToken::new(accounts(2), U128(7));
    ::core::assert_eq!(other.ft_balance_of(accounts(2)), U128(7));
    ::core::assert_eq!(other.ft_balance_of(accounts(0)), U128(0));
}

#[test]
fn transfer_moves_balance() {
    let mut t = token();
    call_as(0, 1);
    t.ft_transfer(accounts(1), U128(300), None);
    ::core::assert_eq!(t.ft_balance_of(accounts(0)), U128(700));
    ::core::assert_eq!(t.ft_balance_of(accounts(1)), U128(300));
    call_as(1, 1);
    t.ft_transfer(accounts(2), U128(300), Some("rent".to_string()));
    ::core::assert_eq!(t.ft_balance_of(accounts(1)), U128(0));
    ::core::assert_eq!(t.ft_balance_of(accounts(2)), U128(300));
    ::core::assert_eq!(t.ft_balance_of(accounts(5)), U128(0));
    ::core::assert_eq!(t.ft_total_supply(), U128(1_000));
}

#[test]
fn transfer_logs_nep141_event() {
    let mut t = token();
    call_as(0, 1);
    t.ft_transfer(accounts(1), U128(5), None);
    let all = events();
    ::core::assert_eq!(all.len(), 1);
    let e = &all[0];
    ::core::assert_eq!(e["standard"], "nep141");
    ::core::assert_eq!(e["version"], "1.0.0");
    ::core::assert_eq!(e["event"], "ft_transfer");
    ::core::assert_eq!(e["data"][0]["old_owner_id"], "alice");
    ::core::assert_eq!(e["data"][0]["new_owner_id"], "bob");
    ::core::assert_eq!(e["data"][0]["amount"], "5");
    ::core::assert!(e["data"][0].get("memo").is_none());
    call_as(1, 1);
    t.ft_transfer(accounts(2), U128(2), Some("tip".to_string()));
    let e = &events()[0];
    ::core::assert_eq!(e["data"][0]["old_owner_id"], "bob");
    ::core::assert_eq!(e["data"][0]["memo"], "tip");
}

#[test]
#[should_panic(expected = "Requires attached deposit of exactly 1 yoctoNEAR")]
fn transfer_without_deposit_panics() {
    let mut t = token();
    call_as(0, 1);
    t.ft_transfer(accounts(1), U128(1), None);
    ::core::assert_eq!(t.ft_balance_of(accounts(1)), U128(1));
    call_as(0, 0);
    t.ft_transfer(accounts(1), U128(1), None);
}

#[test]
#[should_panic(expected = "Requires attached deposit of exactly 1 yoctoNEAR")]
fn transfer_with_two_yocto_panics() {
    let mut t = token();
    call_as(0, 1);
    t.ft_transfer(accounts(1), U128(1), None);
    ::core::assert_eq!(t.ft_balance_of(accounts(1)), U128(1));
    call_as(0, 2);
    t.ft_transfer(accounts(1), U128(1), None);
}

#[test]
#[should_panic(expected = "insufficient balance")]
fn transfer_more_than_balance_panics() {
    let mut t = token();
    call_as(0, 1);
    t.ft_transfer(accounts(1), U128(10), None);
    call_as(1, 1);
    t.ft_transfer(accounts(2), U128(10), None);
    ::core::assert_eq!(t.ft_balance_of(accounts(2)), U128(10));
    call_as(2, 1);
    t.ft_transfer(accounts(3), U128(11), None);
}

#[test]
#[should_panic(expected = "sender and receiver must differ")]
fn transfer_to_self_panics() {
    let mut t = token();
    call_as(0, 1);
    t.ft_transfer(accounts(1), U128(1), None);
    ::core::assert_eq!(t.ft_balance_of(accounts(0)), U128(999));
    t.ft_transfer(accounts(0), U128(1), None);
}

#[test]
#[should_panic(expected = "amount must be positive")]
fn zero_amount_panics() {
    let mut t = token();
    call_as(0, 1);
    t.ft_transfer(accounts(1), U128(1), None);
    ::core::assert_eq!(t.ft_balance_of(accounts(1)), U128(1));
    t.ft_transfer(accounts(1), U128(0), None);
}
