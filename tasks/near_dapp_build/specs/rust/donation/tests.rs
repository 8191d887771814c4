use near_sdk::json_types::U128;
use near_sdk::mock::MockAction;
use near_sdk::test_utils::{accounts, get_created_receipts, VMContextBuilder};
use near_sdk::{testing_env, AccountId, NearToken};

fn call_as(i: usize, deposit: NearToken) {
    testing_env!(VMContextBuilder::new()
        .signer_account_id(accounts(4))
        .predecessor_account_id(accounts(i))
        .attached_deposit(deposit)
        .build());
}

/// (receiver, yoctoNEAR) of every transfer the last call scheduled.
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

fn near(n: u128) -> u128 {
    NearToken::from_near(n).as_yoctonear()
}

#[test]
fn first_donation_is_counted() {
    call_as(0, NearToken::from_yoctonear(0));
    let mut d = Donation::new(accounts(5));
    ::core::assert_eq!(d.get_beneficiary(), accounts(5));
    ::core::assert_eq!(d.number_of_donors(), 0);
    ::core::assert_eq!(d.total_donations(), U128(0));
    call_as(1, NearToken::from_near(1));
    d.donate();
    ::core::assert_eq!(d.number_of_donors(), 1);
    ::core::assert_eq!(d.total_donations(), U128(near(1)));
}

#[test]
fn donation_is_recorded_and_forwarded() {
    call_as(0, NearToken::from_yoctonear(0));
    let mut d = Donation::new(accounts(5));
    call_as(1, NearToken::from_near(2));
    ::core::assert_eq!(d.donate(), U128(near(2)));
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(5), near(2))]);
}

#[test]
fn running_totals_per_donor() {
    call_as(0, NearToken::from_yoctonear(0));
    let mut d = Donation::new(accounts(5));
    call_as(1, NearToken::from_near(1));
    d.donate();
    call_as(2, NearToken::from_near(3));
    d.donate();
    call_as(1, NearToken::from_near(2));
    ::core::assert_eq!(d.donate(), U128(near(3)));
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(5), near(2))]);
    ::core::assert_eq!(d.get_donation_for_account(accounts(1)), U128(near(3)));
    ::core::assert_eq!(d.get_donation_for_account(accounts(2)), U128(near(3)));
    ::core::assert_eq!(d.get_donation_for_account(accounts(3)), U128(0));
    ::core::assert_eq!(d.get_donation_for_account(accounts(4)), U128(0));
    ::core::assert_eq!(d.number_of_donors(), 2);
    ::core::assert_eq!(d.total_donations(), U128(near(6)));
}

#[test]
fn one_yocto_is_a_donation() {
    call_as(0, NearToken::from_yoctonear(0));
    let mut d = Donation::new(accounts(5));
    call_as(3, NearToken::from_yoctonear(1));
    ::core::assert_eq!(d.donate(), U128(1));
    ::core::assert_eq!(d.number_of_donors(), 1);
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(5), 1)]);
}

#[test]
#[should_panic(expected = "attach a deposit to donate")]
fn zero_deposit_panics() {
    call_as(0, NearToken::from_yoctonear(0));
    let mut d = Donation::new(accounts(5));
    call_as(1, NearToken::from_near(1));
    ::core::assert_eq!(d.donate(), U128(near(1)));
    call_as(1, NearToken::from_yoctonear(0));
    d.donate();
}

#[test]
fn beneficiary_is_fixed_at_init() {
    call_as(0, NearToken::from_yoctonear(0));
    let mut d = Donation::new(accounts(3));
    call_as(2, NearToken::from_near(4));
    d.donate();
    ::core::assert_eq!(d.get_beneficiary(), accounts(3));
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(3), near(4))]);
    ::core::assert_eq!(d.get_donation_for_account(accounts(2)), U128(near(4)));
}
