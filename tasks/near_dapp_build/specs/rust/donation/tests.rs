use near_sdk::json_types::U128;
use near_sdk::mock::MockAction;
use near_sdk::test_utils::{accounts, get_created_receipts, VMContextBuilder};
use near_sdk::{testing_env, NearToken};

fn call_as(i: usize, deposit: NearToken) {
    testing_env!(VMContextBuilder::new()
        .predecessor_account_id(accounts(i))
        .attached_deposit(deposit)
        .build());
}

fn transfers_to(receiver: &near_sdk::AccountId) -> Vec<u128> {
    get_created_receipts()
        .into_iter()
        .filter(|r| &r.receiver_id == receiver)
        .flat_map(|r| r.actions)
        .filter_map(|a| match a {
            MockAction::Transfer { deposit, .. } => Some(deposit.as_yoctonear()),
            _ => None,
        })
        .collect()
}

#[test]
fn remembers_beneficiary() {
    call_as(0, NearToken::from_yoctonear(0));
    let d = Donation::new(accounts(5));
    assert_eq!(d.get_beneficiary(), accounts(5));
    assert_eq!(d.number_of_donors(), 0);
    assert_eq!(d.total_donations(), U128(0));
}

#[test]
fn donation_is_recorded_and_forwarded() {
    call_as(0, NearToken::from_yoctonear(0));
    let mut d = Donation::new(accounts(5));
    call_as(1, NearToken::from_near(2));
    assert_eq!(d.donate(), U128(NearToken::from_near(2).as_yoctonear()));
    assert_eq!(
        transfers_to(&accounts(5)),
        vec![NearToken::from_near(2).as_yoctonear()]
    );
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
    assert_eq!(d.donate(), U128(NearToken::from_near(3).as_yoctonear()));
    assert_eq!(
        d.get_donation_for_account(accounts(1)),
        U128(NearToken::from_near(3).as_yoctonear())
    );
    assert_eq!(
        d.get_donation_for_account(accounts(2)),
        U128(NearToken::from_near(3).as_yoctonear())
    );
    assert_eq!(d.get_donation_for_account(accounts(3)), U128(0));
    assert_eq!(d.number_of_donors(), 2);
    assert_eq!(
        d.total_donations(),
        U128(NearToken::from_near(6).as_yoctonear())
    );
}

#[test]
#[should_panic]
fn zero_deposit_panics() {
    call_as(0, NearToken::from_yoctonear(0));
    let mut d = Donation::new(accounts(5));
    call_as(1, NearToken::from_yoctonear(0));
    d.donate();
}
