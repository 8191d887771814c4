use near_sdk::json_types::U128;
use near_sdk::mock::MockAction;
use near_sdk::test_utils::{accounts, get_created_receipts, VMContextBuilder};
use near_sdk::{testing_env, AccountId};

fn call_as(i: usize) {
    testing_env!(VMContextBuilder::new()
        .signer_account_id(accounts(5))
        .predecessor_account_id(accounts(i))
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

/// Members accounts(0..3), 2 confirmations needed.
fn wallet() -> Multisig {
    call_as(0);
    Multisig::new(::std::vec![accounts(0), accounts(1), accounts(2)], 2)
}

fn confirmations(w: &Multisig, id: u64) -> Option<u32> {
    w.get_request(id).map(|r| r.confirmations)
}

#[test]
fn request_waits_for_enough_confirmations() {
    let mut w = wallet();
    call_as(1);
    let id = w.add_request(accounts(4), U128(500));
    ::core::assert_eq!(id, 0);
    let r = w.get_request(id).expect("pending");
    ::core::assert_eq!(
        (r.proposer, r.receiver_id, r.amount, r.confirmations),
        (accounts(1), accounts(4), U128(500), 1)
    );
    ::core::assert!(transfers().is_empty());
    call_as(2);
    ::core::assert!(w.confirm(id));
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(4), 500)]);
    ::core::assert!(w.get_request(id).is_none());
}

#[test]
fn ids_are_sequential_and_never_reused() {
    let mut w = wallet();
    call_as(0);
    ::core::assert_eq!(w.add_request(accounts(4), U128(1)), 0);
    ::core::assert_eq!(w.add_request(accounts(4), U128(2)), 1);
    w.delete_request(1);
    ::core::assert_eq!(w.add_request(accounts(3), U128(3)), 2);
    ::core::assert_eq!(w.get_request(2).unwrap().amount, U128(3));
    ::core::assert!(w.get_request(1).is_none());
}

#[test]
fn three_of_three_needs_everyone() {
    call_as(0);
    let mut w = Multisig::new(::std::vec![accounts(0), accounts(1), accounts(2)], 3);
    let id = w.add_request(accounts(5), U128(9));
    call_as(1);
    ::core::assert!(!w.confirm(id));
    ::core::assert_eq!(confirmations(&w, id), Some(2));
    ::core::assert!(transfers().is_empty());
    call_as(2);
    ::core::assert!(w.confirm(id));
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(5), 9)]);
}

#[test]
fn one_confirmation_executes_at_once() {
    call_as(3);
    let mut w = Multisig::new(::std::vec![accounts(3), accounts(3)], 1);
    let id = w.add_request(accounts(1), U128(77));
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(1), 77)]);
    ::core::assert!(w.get_request(id).is_none());
}

#[test]
#[should_panic(expected = "already confirmed")]
fn confirming_twice_panics() {
    let mut w = wallet();
    call_as(1);
    let id = w.add_request(accounts(4), U128(5));
    ::core::assert_eq!(confirmations(&w, id), Some(1));
    w.confirm(id);
}

#[test]
#[should_panic(expected = "unknown request")]
fn confirming_an_executed_request_panics() {
    let mut w = wallet();
    call_as(1);
    let id = w.add_request(accounts(4), U128(5));
    call_as(0);
    ::core::assert!(w.confirm(id));
    call_as(2);
    w.confirm(id);
}

#[test]
#[should_panic(expected = "only members")]
fn stranger_cannot_confirm() {
    let mut w = wallet();
    call_as(1);
    let id = w.add_request(accounts(4), U128(5));
    ::core::assert_eq!(confirmations(&w, id), Some(1));
    call_as(4);
    w.confirm(id);
}

#[test]
#[should_panic(expected = "only members")]
fn stranger_cannot_add_requests() {
    let mut w = wallet();
    call_as(2);
    let id = w.add_request(accounts(4), U128(5));
    ::core::assert_eq!(confirmations(&w, id), Some(1));
    call_as(3);
    w.add_request(accounts(3), U128(5));
}

#[test]
#[should_panic(expected = "only the proposer can delete")]
fn other_member_cannot_delete() {
    let mut w = wallet();
    call_as(1);
    let id = w.add_request(accounts(4), U128(5));
    ::core::assert_eq!(confirmations(&w, id), Some(1));
    call_as(2);
    w.delete_request(id);
}

#[test]
#[should_panic(expected = "amount must be positive")]
fn zero_amount_panics() {
    let mut w = wallet();
    call_as(1);
    let id = w.add_request(accounts(4), U128(1));
    ::core::assert_eq!(confirmations(&w, id), Some(1));
    w.add_request(accounts(4), U128(0));
}

#[test]
#[should_panic(expected = "confirmations must be between 1 and the number of members")]
fn more_confirmations_than_distinct_members_panics() {
    let mut w = wallet();
    call_as(0);
    let id = w.add_request(accounts(4), U128(5));
    ::core::assert_eq!(confirmations(&w, id), Some(1));
    Multisig::new(::std::vec![accounts(0), accounts(1), accounts(1)], 3);
}

#[test]
#[should_panic(expected = "confirmations must be between 1 and the number of members")]
fn zero_confirmations_panics() {
    let mut w = wallet();
    call_as(1);
    let id = w.add_request(accounts(4), U128(5));
    ::core::assert_eq!(confirmations(&w, id), Some(1));
    Multisig::new(::std::vec![accounts(0)], 0);
}
