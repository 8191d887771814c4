use near_sdk::test_utils::{accounts, VMContextBuilder};
use near_sdk::testing_env;

fn call_as(i: usize) {
    testing_env!(VMContextBuilder::new()
        .signer_account_id(accounts(5))
        .predecessor_account_id(accounts(i))
        .build());
}

/// Members accounts(0), accounts(1), accounts(2).
fn dao(quorum: u32) -> Dao {
    call_as(0);
    Dao::new(::std::vec![accounts(0), accounts(1), accounts(2)], quorum)
}

fn status(d: &Dao, id: u64) -> &'static str {
    match d.get_proposal(id).expect("proposal").status {
        ProposalStatus::InProgress => "in progress",
        ProposalStatus::Approved => "approved",
        ProposalStatus::Rejected => "rejected",
    }
}

#[test]
fn membership() {
    let d = dao(2);
    ::core::assert!(d.is_member(accounts(0)));
    ::core::assert!(d.is_member(accounts(1)));
    ::core::assert!(d.is_member(accounts(2)));
    ::core::assert!(!d.is_member(accounts(4)));
    ::core::assert!(!d.is_member(accounts(5)));
}

#[test]
fn proposals_get_sequential_ids() {
    let mut d = dao(2);
    call_as(1);
    ::core::assert_eq!(d.add_proposal("first".to_string()), 0);
    ::core::assert_eq!(d.add_proposal("second".to_string()), 1);
    let p = d.get_proposal(1).unwrap();
    ::core::assert_eq!(p.id, 1);
    ::core::assert_eq!(p.proposer, accounts(1));
    ::core::assert_eq!(p.description, "second");
    ::core::assert_eq!((p.yes_votes, p.no_votes), (0, 0));
    ::core::assert_eq!(status(&d, 1), "in progress");
    ::core::assert_eq!(d.get_proposal(0).unwrap().description, "first");
    ::core::assert!(d.get_proposal(2).is_none());
    ::core::assert!(d.get_proposal(7).is_none());
}

#[test]
fn quorum_of_yes_approves() {
    let mut d = dao(2);
    call_as(0);
    let id = d.add_proposal("fund it".to_string());
    d.vote(id, true);
    ::core::assert_eq!(status(&d, id), "in progress");
    call_as(2);
    d.vote(id, true);
    let p = d.get_proposal(id).unwrap();
    ::core::assert_eq!((p.yes_votes, p.no_votes), (2, 0));
    ::core::assert_eq!(status(&d, id), "approved");
}

#[test]
fn quorum_of_no_rejects() {
    let mut d = dao(2);
    call_as(0);
    let id = d.add_proposal("bad idea".to_string());
    d.vote(id, false);
    call_as(1);
    d.vote(id, true);
    ::core::assert_eq!(status(&d, id), "in progress");
    call_as(2);
    d.vote(id, false);
    let p = d.get_proposal(id).unwrap();
    ::core::assert_eq!((p.yes_votes, p.no_votes), (1, 2));
    ::core::assert_eq!(status(&d, id), "rejected");
}

#[test]
fn votes_are_per_proposal() {
    let mut d = dao(2);
    call_as(0);
    let a = d.add_proposal("a".to_string());
    let b = d.add_proposal("b".to_string());
    d.vote(a, true);
    d.vote(b, false);
    ::core::assert_eq!(d.get_proposal(a).unwrap().yes_votes, 1);
    ::core::assert_eq!(d.get_proposal(b).unwrap().no_votes, 1);
    ::core::assert_eq!(d.get_proposal(b).unwrap().yes_votes, 0);
}

#[test]
#[should_panic(expected = "already voted")]
fn double_vote_panics() {
    let mut d = dao(3);
    call_as(0);
    let id = d.add_proposal("x".to_string());
    d.vote(id, true);
    ::core::assert_eq!(d.get_proposal(id).unwrap().yes_votes, 1);
    d.vote(id, false);
}

#[test]
#[should_panic(expected = "only members")]
fn non_member_cannot_vote() {
    let mut d = dao(2);
    call_as(0);
    let id = d.add_proposal("x".to_string());
    d.vote(id, true);
    ::core::assert_eq!(d.get_proposal(id).unwrap().yes_votes, 1);
    call_as(4);
    d.vote(id, true);
}

#[test]
#[should_panic(expected = "only members")]
fn non_member_cannot_propose() {
    let mut d = dao(2);
    call_as(2);
    ::core::assert_eq!(d.add_proposal("ok".to_string()), 0);
    call_as(5);
    d.add_proposal("x".to_string());
}

#[test]
#[should_panic(expected = "voting is closed")]
fn voting_after_decision_panics() {
    let mut d = dao(1);
    call_as(0);
    let id = d.add_proposal("x".to_string());
    d.vote(id, true);
    ::core::assert_eq!(status(&d, id), "approved");
    call_as(1);
    d.vote(id, false);
}

#[test]
#[should_panic(expected = "unknown proposal")]
fn vote_on_unknown_proposal_panics() {
    let mut d = dao(2);
    call_as(1);
    let id = d.add_proposal("x".to_string());
    d.vote(id, true);
    ::core::assert_eq!(d.get_proposal(id).unwrap().yes_votes, 1);
    d.vote(id + 1, true);
}

#[test]
#[should_panic(expected = "quorum must be between 1 and the number of members")]
fn quorum_larger_than_members_panics() {
    let d = dao(3);
    ::core::assert!(d.is_member(accounts(2)));
    call_as(0);
    // accounts(1) twice is one member: 2 distinct members cannot reach a quorum of 3.
    Dao::new(::std::vec![accounts(0), accounts(1), accounts(1)], 3);
}

#[test]
#[should_panic(expected = "quorum must be between 1 and the number of members")]
fn quorum_zero_panics() {
    let d = dao(1);
    ::core::assert!(d.is_member(accounts(0)));
    dao(0);
}

#[test]
#[should_panic(expected = "quorum must be between 1 and the number of members")]
fn quorum_of_one_more_than_three_members_panics() {
    let mut d = dao(3);
    call_as(2);
    let id = d.add_proposal("x".to_string());
    ::core::assert_eq!(d.get_proposal(id).unwrap().proposer, accounts(2));
    call_as(0);
    Dao::new(::std::vec![accounts(3), accounts(4), accounts(5)], 4);
}
