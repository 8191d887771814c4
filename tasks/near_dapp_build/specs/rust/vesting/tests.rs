use near_sdk::json_types::{U128, U64};
use near_sdk::mock::MockAction;
use near_sdk::test_utils::{accounts, get_created_receipts, VMContextBuilder};
use near_sdk::{testing_env, AccountId};

// Schedule: start 1000, cliff 1250, end 2000; 1_000_000 yocto in total. Owner accounts(0), beneficiary accounts(1).
const TOTAL: u128 = 1_000_000;

fn at(time: u64, caller: usize) {
    testing_env!(VMContextBuilder::new()
        .signer_account_id(accounts(5))
        .predecessor_account_id(accounts(caller))
        .block_timestamp(time)
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

fn lockup() -> Vesting {
    at(0, 0);
    Vesting::new(
        accounts(0),
        accounts(1),
        U128(TOTAL),
        U64(1_000),
        U64(1_250),
        U64(2_000),
    )
}

fn vested_at(v: &Vesting, t: u64) -> u128 {
    at(t, 3);
    v.vested_amount().0
}

#[test]
fn linear_schedule_with_cliff() {
    let v = lockup();
    ::core::assert_eq!(vested_at(&v, 0), 0);
    ::core::assert_eq!(vested_at(&v, 1_249), 0);
    ::core::assert_eq!(vested_at(&v, 1_250), 250_000);
    ::core::assert_eq!(vested_at(&v, 1_333), 333_000);
    ::core::assert_eq!(vested_at(&v, 1_999), 999_000);
    ::core::assert_eq!(vested_at(&v, 2_000), TOTAL);
    ::core::assert_eq!(vested_at(&v, 9_999), TOTAL);
}

#[test]
fn rounding_is_down() {
    at(0, 0);
    let v = Vesting::new(accounts(0), accounts(1), U128(10), U64(0), U64(0), U64(3));
    ::core::assert_eq!(vested_at(&v, 1), 3);
    ::core::assert_eq!(vested_at(&v, 2), 6);
    ::core::assert_eq!(vested_at(&v, 3), 10);
}

#[test]
fn claims_release_only_the_new_part() {
    let mut v = lockup();
    at(1_500, 1);
    ::core::assert_eq!(v.claimable(), U128(500_000));
    ::core::assert_eq!(v.claim(), U128(500_000));
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(1), 500_000)]);
    ::core::assert_eq!(v.get_claimed(), U128(500_000));
    ::core::assert_eq!(v.claimable(), U128(0));
    at(1_750, 1);
    ::core::assert_eq!(v.claim(), U128(250_000));
    ::core::assert_eq!(v.get_claimed(), U128(750_000));
    ::core::assert_eq!(v.claimable(), U128(0));
}

#[test]
fn termination_returns_the_unvested_part_and_freezes_vesting() {
    let mut v = lockup();
    at(1_400, 1);
    ::core::assert_eq!(v.claim(), U128(400_000));
    at(1_600, 0);
    ::core::assert_eq!(v.terminate(), U128(400_000));
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(0), 400_000)]);
    ::core::assert_eq!(vested_at(&v, 5_000), 600_000);
    at(5_000, 1);
    ::core::assert_eq!(v.claimable(), U128(200_000));
    ::core::assert_eq!(v.claim(), U128(200_000));
    ::core::assert_eq!(v.get_claimed(), U128(600_000));
}

#[test]
#[should_panic(expected = "nothing to claim")]
fn claim_before_cliff_panics() {
    let mut v = lockup();
    ::core::assert_eq!(vested_at(&v, 1_300), 300_000);
    at(1_249, 1);
    v.claim();
}

#[test]
#[should_panic(expected = "only the beneficiary can claim")]
fn owner_cannot_claim() {
    let mut v = lockup();
    at(1_500, 1);
    ::core::assert_eq!(v.claim(), U128(500_000));
    at(1_600, 0);
    v.claim();
}

#[test]
#[should_panic(expected = "only the owner can terminate")]
fn beneficiary_cannot_terminate() {
    let mut v = lockup();
    at(1_500, 1);
    ::core::assert_eq!(v.claimable(), U128(500_000));
    v.terminate();
}

#[test]
#[should_panic(expected = "already terminated")]
fn terminating_twice_panics() {
    let mut v = lockup();
    at(1_000, 0);
    ::core::assert_eq!(v.terminate(), U128(TOTAL));
    at(1_100, 0);
    v.terminate();
}

#[test]
#[should_panic(expected = "invalid schedule")]
fn cliff_after_end_panics() {
    let v = lockup();
    ::core::assert_eq!(vested_at(&v, 1_500), 500_000);
    Vesting::new(
        accounts(0),
        accounts(1),
        U128(TOTAL),
        U64(1_000),
        U64(2_001),
        U64(2_000),
    );
}

#[test]
#[should_panic(expected = "invalid schedule")]
fn empty_period_panics() {
    let v = lockup();
    ::core::assert_eq!(vested_at(&v, 1_500), 500_000);
    Vesting::new(
        accounts(0),
        accounts(1),
        U128(TOTAL),
        U64(1_000),
        U64(1_000),
        U64(1_000),
    );
}

#[test]
fn edge_schedules_and_one_yocto() {
    at(0, 0);
    let mut v = Vesting::new(accounts(0), accounts(1), U128(1), U64(10), U64(20), U64(20));
    ::core::assert_eq!(vested_at(&v, 19), 0);
    at(20, 1);
    ::core::assert_eq!(v.claim(), U128(1));
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(1), 1)]);
    at(30, 0);
    ::core::assert_eq!(v.terminate(), U128(0));
    ::core::assert!(transfers().is_empty());
}

#[test]
#[should_panic(expected = "invalid schedule")]
fn zero_total_panics() {
    let v = lockup();
    ::core::assert_eq!(vested_at(&v, 1_500), 500_000);
    Vesting::new(
        accounts(0),
        accounts(1),
        U128(0),
        U64(1_000),
        U64(1_250),
        U64(2_000),
    );
}
