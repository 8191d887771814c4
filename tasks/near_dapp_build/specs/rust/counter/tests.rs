use near_sdk::test_utils::{accounts, VMContextBuilder};
use near_sdk::testing_env;

fn as_account(i: usize) {
    // The signer differs from the predecessor: ownership follows the predecessor.
    testing_env!(VMContextBuilder::new()
        .signer_account_id(accounts(5))
        .predecessor_account_id(accounts(i))
        .build());
}

#[test]
fn starts_at_initial_value() {
    as_account(0);
    let c = Counter::new(41);
    ::core::assert_eq!(c.get_num(), 41);
    let c = Counter::new(-7);
    ::core::assert_eq!(c.get_num(), -7);
}

#[test]
fn increment_and_decrement_return_new_value() {
    as_account(0);
    let mut c = Counter::new(0);
    ::core::assert_eq!(c.increment(), 1);
    ::core::assert_eq!(c.increment(), 2);
    ::core::assert_eq!(c.decrement(), 1);
    ::core::assert_eq!(c.decrement(), 0);
    ::core::assert_eq!(c.decrement(), -1);
    ::core::assert_eq!(c.get_num(), -1);
}

#[test]
fn anyone_changes_the_counter_owner_resets() {
    as_account(0);
    let mut c = Counter::new(5);
    as_account(2);
    ::core::assert_eq!(c.increment(), 6);
    as_account(0);
    c.reset();
    ::core::assert_eq!(c.get_num(), 0);
    ::core::assert_eq!(c.increment(), 1);
}

#[test]
#[should_panic(expected = "only the owner can reset")]
fn stranger_cannot_reset() {
    as_account(0);
    let mut c = Counter::new(5);
    as_account(1);
    ::core::assert_eq!(c.increment(), 6);
    c.reset();
}

#[test]
#[should_panic(expected = "only the owner can reset")]
fn signer_is_not_the_owner() {
    // accounts(5) signed the init transaction, but accounts(0) was its predecessor.
    as_account(0);
    let mut c = Counter::new(3);
    ::core::assert_eq!(c.decrement(), 2);
    as_account(5);
    c.reset();
}

#[test]
#[should_panic(expected = "counter overflow")]
fn increment_overflow_panics() {
    as_account(0);
    let mut c = Counter::new(i64::MAX - 1);
    ::core::assert_eq!(c.increment(), i64::MAX);
    c.increment();
}

#[test]
#[should_panic(expected = "counter underflow")]
fn decrement_underflow_panics() {
    as_account(0);
    let mut c = Counter::new(i64::MIN + 1);
    ::core::assert_eq!(c.decrement(), i64::MIN);
    c.decrement();
}
