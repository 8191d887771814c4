use near_sdk::test_utils::{accounts, VMContextBuilder};
use near_sdk::testing_env;

fn as_account(i: usize) {
    testing_env!(VMContextBuilder::new()
        .predecessor_account_id(accounts(i))
        .build());
}

#[test]
fn starts_at_initial_value() {
    as_account(0);
    let c = Counter::new(41);
    assert_eq!(c.get_num(), 41);
}

#[test]
fn increment_and_decrement_return_new_value() {
    as_account(0);
    let mut c = Counter::new(0);
    assert_eq!(c.increment(), 1);
    assert_eq!(c.increment(), 2);
    assert_eq!(c.decrement(), 1);
    assert_eq!(c.decrement(), 0);
    assert_eq!(c.decrement(), -1);
    assert_eq!(c.get_num(), -1);
}

#[test]
fn owner_can_reset() {
    as_account(0);
    let mut c = Counter::new(5);
    c.increment();
    c.reset();
    assert_eq!(c.get_num(), 0);
}

#[test]
#[should_panic]
fn stranger_cannot_reset() {
    as_account(0);
    let mut c = Counter::new(5);
    as_account(1);
    c.reset();
}

#[test]
#[should_panic]
fn increment_overflow_panics() {
    as_account(0);
    let mut c = Counter::new(i64::MAX);
    c.increment();
}

#[test]
#[should_panic]
fn decrement_underflow_panics() {
    as_account(0);
    let mut c = Counter::new(i64::MIN);
    c.decrement();
}
