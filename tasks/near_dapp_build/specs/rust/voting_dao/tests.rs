use near_sdk::test_utils::{accounts, VMContextBuilder};
use near_sdk::testing_env;

fn call_as(i: usize) {
    testing_env!(VMContextBuilder::new()
        .predecessor_account_id(accounts(i))
        .build());
}

fn dao(quorum: u32) -> Dao {
    call_as(0);
    Dao::new(vec![accounts(0), accounts(1), accounts(2)], quorum)
}

#[test]
fn membership() {
    let d = dao(2);
    assert!(d.is_member(accounts(1)));
    assert!(!d.is_member(accounts(4)));
}

#[test]
fn proposals_get_sequential_ids() {
    let mut d = dao(2);
    call_as(1);
    assert_eq!(d.add_proposal("first".to_string()), 0);
    assert_eq!(d.add_proposal("second".to_string()), 1);
    let p = d.get_proposal(1).unwrap();
    assert_eq!(p.id, 1);
    assert_eq!(p.proposer, accounts(1));
    assert_eq!(p.description, "second");
    assert_eq!((p.yes_votes, p.no_votes), (0, 0));
    assert_eq!(p.status, ProposalStatus::InProgress);
    assert_eq!(d.get_proposal(7), None);
}

#[test]
fn quorum_of_yes_approves() {
    let mut d = dao(2);
    call_as(0);
    let id = d.add_proposal("fund it".to_string());
    d.vote(id, true);
    assert_eq!(
        d.get_proposal(id).unwrap().status,
        ProposalStatus::InProgress
    );
    call_as(2);
    d.vote(id, true);
    let p = d.get_proposal(id).unwrap();
    assert_eq!(p.yes_votes, 2);
    assert_eq!(p.status, ProposalStatus::Approved);
}

#[test]
fn quorum_of_no_rejects() {
    let mut d = dao(2);
    call_as(0);
    let id = d.add_proposal("bad idea".to_string());
    d.vote(id, false);
    call_as(1);
    d.vote(id, true);
    call_as(2);
    d.vote(id, false);
    let p = d.get_proposal(id).unwrap();
    assert_eq!((p.yes_votes, p.no_votes), (1, 2));
    assert_eq!(p.status, ProposalStatus::Rejected);
}

#[test]
#[should_panic]
fn double_vote_panics() {
    let mut d = dao(3);
    call_as(0);
    let id = d.add_proposal("x".to_string());
    d.vote(id, true);
    d.vote(id, true);
}

#[test]
#[should_panic]
fn non_member_cannot_vote() {
    let mut d = dao(2);
    call_as(0);
    let id = d.add_proposal("x".to_string());
    call_as(4);
    d.vote(id, true);
}

#[test]
#[should_panic]
fn non_member_cannot_propose() {
    let mut d = dao(2);
    call_as(5);
    d.add_proposal("x".to_string());
}

#[test]
#[should_panic]
fn voting_after_decision_panics() {
    let mut d = dao(1);
    call_as(0);
    let id = d.add_proposal("x".to_string());
    d.vote(id, true);
    call_as(1);
    d.vote(id, false);
}

#[test]
#[should_panic]
fn quorum_larger_than_members_panics() {
    dao(4);
}
