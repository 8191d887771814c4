use near_sdk::json_types::U128;
use near_sdk::mock::MockAction;
use near_sdk::test_utils::{accounts, get_created_receipts, VMContextBuilder};
use near_sdk::{testing_env, AccountId, NearToken};

const MIN: u128 = 1_250_000_000_000_000_000_000; // 0.00125 NEAR

fn call_as(i: usize, yocto: u128) {
    testing_env!(VMContextBuilder::new()
        .signer_account_id(accounts(5))
        .predecessor_account_id(accounts(i))
        .attached_deposit(NearToken::from_yoctonear(yocto))
        .build());
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

fn balance_of(m: &StorageManager, i: usize) -> Option<(u128, u128)> {
    m.storage_balance_of(accounts(i))
        .map(|b| (b.total.0, b.available.0))
}

fn manager() -> StorageManager {
    call_as(0, 0);
    StorageManager::new(U128(MIN))
}

#[test]
fn bounds_are_fixed() {
    let m = manager();
    let b = m.storage_balance_bounds();
    ::core::assert_eq!((b.min, b.max), (U128(MIN), Some(U128(MIN))));
    ::core::assert_eq!(balance_of(&m, 1), None);
}

#[test]
fn exact_deposit_registers_the_caller() {
    let mut m = manager();
    call_as(1, MIN);
    let b = m.storage_deposit(None, None);
    ::core::assert_eq!((b.total.0, b.available.0), (MIN, 0));
    ::core::assert_eq!(balance_of(&m, 1), Some((MIN, 0)));
    ::core::assert_eq!(balance_of(&m, 2), None);
    ::core::assert!(transfers().is_empty());
}

#[test]
fn excess_is_refunded_to_the_payer_and_another_account_can_be_registered() {
    let mut m = manager();
    call_as(1, MIN + 500);
    let b = m.storage_deposit(Some(accounts(2)), Some(true));
    ::core::assert_eq!(b.total.0, MIN);
    ::core::assert_eq!(balance_of(&m, 2), Some((MIN, 0)));
    ::core::assert_eq!(balance_of(&m, 1), None);
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(1), 500)]);
    call_as(3, MIN + 1);
    m.storage_deposit(None, None);
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(3), 1)]);
}

#[test]
fn deposit_for_a_registered_account_is_refunded_whole() {
    let mut m = manager();
    call_as(1, MIN);
    m.storage_deposit(None, None);
    call_as(3, 7 * MIN);
    let b = m.storage_deposit(Some(accounts(1)), Some(false));
    ::core::assert_eq!((b.total.0, b.available.0), (MIN, 0));
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(3), 7 * MIN)]);
    ::core::assert_eq!(balance_of(&m, 3), None);
}

#[test]
#[should_panic(expected = "The attached deposit is less than the minimum storage balance")]
fn deposit_below_minimum_panics() {
    let mut m = manager();
    call_as(1, MIN);
    ::core::assert_eq!(m.storage_deposit(None, None).total, U128(MIN));
    call_as(2, MIN - 1);
    m.storage_deposit(None, None);
}

#[test]
fn unregister_refunds_the_minimum_once() {
    let mut m = manager();
    call_as(1, MIN);
    m.storage_deposit(None, None);
    call_as(1, 1);
    ::core::assert!(m.storage_unregister(None));
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(1), MIN)]);
    ::core::assert_eq!(balance_of(&m, 1), None);
    call_as(1, 1);
    ::core::assert!(!m.storage_unregister(Some(true)));
    ::core::assert!(transfers().is_empty());
}

#[test]
#[should_panic(expected = "Requires attached deposit of exactly 1 yoctoNEAR")]
fn unregister_requires_one_yocto() {
    let mut m = manager();
    call_as(1, MIN);
    m.storage_deposit(None, None);
    ::core::assert_eq!(balance_of(&m, 1), Some((MIN, 0)));
    call_as(1, 0);
    m.storage_unregister(None);
}

#[test]
fn withdraw_of_nothing_returns_the_balance() {
    let mut m = manager();
    call_as(2, MIN);
    m.storage_deposit(None, None);
    call_as(2, 1);
    let b = m.storage_withdraw(None);
    ::core::assert_eq!((b.total.0, b.available.0), (MIN, 0));
    let b = m.storage_withdraw(Some(U128(0)));
    ::core::assert_eq!(b.total.0, MIN);
    ::core::assert!(transfers().is_empty());
}

#[test]
#[should_panic(expected = "The amount is greater than the available storage balance")]
fn withdraw_more_than_available_panics() {
    let mut m = manager();
    call_as(2, MIN);
    m.storage_deposit(None, None);
    call_as(2, 1);
    ::core::assert_eq!(m.storage_withdraw(None).total, U128(MIN));
    m.storage_withdraw(Some(U128(1)));
}

#[test]
#[should_panic(expected = "The account is not registered")]
fn withdraw_by_unregistered_account_panics() {
    let mut m = manager();
    call_as(2, MIN);
    m.storage_deposit(None, None);
    call_as(2, 1);
    ::core::assert_eq!(m.storage_withdraw(None).total, U128(MIN));
    call_as(3, 1);
    m.storage_withdraw(None);
}

#[test]
#[should_panic(expected = "Requires attached deposit of exactly 1 yoctoNEAR")]
fn withdraw_requires_one_yocto() {
    let mut m = manager();
    call_as(2, MIN);
    m.storage_deposit(None, None);
    call_as(2, 1);
    ::core::assert_eq!(m.storage_withdraw(None).total, U128(MIN));
    call_as(2, 2);
    m.storage_withdraw(None);
}
