use near_sdk::mock::MockAction;
use near_sdk::serde_json::{self, Value};
use near_sdk::test_utils::{accounts, get_created_receipts, VMContextBuilder};
use near_sdk::{testing_env, AccountId, Gas, NearToken};

fn call_as(i: usize, yocto: u128) {
    testing_env!(VMContextBuilder::new()
        .signer_account_id(accounts(5))
        .predecessor_account_id(accounts(i))
        .attached_deposit(NearToken::from_yoctonear(yocto))
        .build());
}

fn calls() -> Vec<(AccountId, String, Value, u128, Gas)> {
    get_created_receipts()
        .into_iter()
        .flat_map(|r| {
            let to = r.receiver_id.clone();
            r.actions.into_iter().filter_map(move |a| match a {
                MockAction::FunctionCallWeight {
                    method_name,
                    args,
                    attached_deposit,
                    prepaid_gas,
                    ..
                } => Some((
                    to.clone(),
                    String::from_utf8(method_name).unwrap(),
                    serde_json::from_slice(&args).unwrap_or(Value::Null),
                    attached_deposit.as_yoctonear(),
                    prepaid_gas,
                )),
                _ => None,
            })
        })
        .collect()
}

fn id(s: &str) -> String {
    s.to_string()
}

fn owner(c: &NftApprovals, token: &str) -> AccountId {
    c.nft_token(id(token)).expect("token").owner_id
}

/// Collection owned by accounts(0); token "t" owned by accounts(1), who approved accounts(2) (id 0).
fn approved() -> NftApprovals {
    call_as(0, 0);
    let mut c = NftApprovals::new(accounts(0));
    c.nft_mint(id("t"), accounts(1));
    call_as(1, 1);
    ::core::assert!(c.nft_approve(id("t"), accounts(2), None).is_none());
    c
}

#[test]
fn approval_ids_count_up_per_token() {
    let mut c = approved();
    ::core::assert!(c.nft_is_approved(id("t"), accounts(2), None));
    ::core::assert!(c.nft_is_approved(id("t"), accounts(2), Some(0)));
    ::core::assert!(!c.nft_is_approved(id("t"), accounts(2), Some(1)));
    ::core::assert!(!c.nft_is_approved(id("t"), accounts(3), None));
    ::core::assert!(!c.nft_is_approved(id("nope"), accounts(2), None));
    call_as(1, 5);
    c.nft_approve(id("t"), accounts(3), None);
    c.nft_approve(id("t"), accounts(2), None);
    let approvals = c.nft_token(id("t")).unwrap().approved_account_ids;
    ::core::assert_eq!(approvals.len(), 2);
    ::core::assert_eq!(approvals.get(&accounts(3)), Some(&1));
    ::core::assert_eq!(approvals.get(&accounts(2)), Some(&2));
    ::core::assert!(!c.nft_is_approved(id("t"), accounts(2), Some(0)));
}

#[test]
fn approved_account_transfers_to_a_third_account() {
    let mut c = approved();
    call_as(2, 1);
    c.nft_transfer(accounts(3), id("t"), Some(0), None);
    ::core::assert_eq!(owner(&c, "t"), accounts(3));
    ::core::assert!(c
        .nft_token(id("t"))
        .unwrap()
        .approved_account_ids
        .is_empty());
    ::core::assert!(!c.nft_is_approved(id("t"), accounts(2), None));
}

#[test]
fn approve_with_msg_calls_nft_on_approve() {
    let mut c = approved();
    call_as(1, 1);
    let promise = c.nft_approve(id("t"), accounts(4), Some(id("list it")));
    ::core::assert!(promise.is_some());
    drop(promise);
    let all = calls();
    ::core::assert_eq!(all.len(), 1, "{all:?}");
    ::core::assert_eq!(all[0].0, accounts(4));
    ::core::assert_eq!(all[0].1, "nft_on_approve");
    ::core::assert_eq!(
        all[0].2,
        serde_json::json!({"token_id": "t", "owner_id": "bob", "approval_id": 1, "msg": "list it"})
    );
    ::core::assert_eq!((all[0].3, all[0].4), (0, Gas::from_tgas(10)));
}

#[test]
#[should_panic(expected = "approval id does not match")]
fn stale_approval_id_panics() {
    let mut c = approved();
    call_as(1, 1);
    c.nft_approve(id("t"), accounts(2), None);
    ::core::assert!(c.nft_is_approved(id("t"), accounts(2), Some(1)));
    call_as(2, 1);
    c.nft_transfer(accounts(3), id("t"), Some(0), None);
}

#[test]
#[should_panic(expected = "sender is not approved")]
fn revoked_account_cannot_transfer() {
    let mut c = approved();
    call_as(1, 1);
    c.nft_revoke(id("t"), accounts(2));
    ::core::assert!(!c.nft_is_approved(id("t"), accounts(2), None));
    call_as(2, 1);
    c.nft_transfer(accounts(3), id("t"), None, None);
}

#[test]
#[should_panic(expected = "sender is not approved")]
fn approvals_do_not_survive_a_transfer() {
    let mut c = approved();
    call_as(1, 1);
    c.nft_transfer(accounts(3), id("t"), None, None);
    ::core::assert_eq!(owner(&c, "t"), accounts(3));
    call_as(2, 1);
    c.nft_transfer(accounts(4), id("t"), Some(0), None);
}

#[test]
fn revoke_all_clears_every_approval() {
    let mut c = approved();
    call_as(1, 1);
    c.nft_approve(id("t"), accounts(3), None);
    c.nft_revoke_all(id("t"));
    ::core::assert!(c
        .nft_token(id("t"))
        .unwrap()
        .approved_account_ids
        .is_empty());
    ::core::assert!(!c.nft_is_approved(id("t"), accounts(3), None));
    c.nft_approve(id("t"), accounts(3), None);
    ::core::assert!(c.nft_is_approved(id("t"), accounts(3), Some(2)));
}

#[test]
#[should_panic(expected = "only the token owner can do this")]
fn stranger_cannot_approve() {
    let mut c = approved();
    ::core::assert!(c.nft_is_approved(id("t"), accounts(2), Some(0)));
    call_as(2, 1);
    c.nft_approve(id("t"), accounts(3), None);
}

#[test]
#[should_panic(expected = "only the token owner can do this")]
fn approved_account_cannot_revoke() {
    let mut c = approved();
    ::core::assert!(c.nft_is_approved(id("t"), accounts(2), Some(0)));
    call_as(2, 1);
    c.nft_revoke(id("t"), accounts(2));
}

#[test]
#[should_panic(expected = "Requires attached deposit of at least 1 yoctoNEAR")]
fn approve_needs_a_deposit() {
    let mut c = approved();
    ::core::assert!(c.nft_is_approved(id("t"), accounts(2), Some(0)));
    call_as(1, 0);
    c.nft_approve(id("t"), accounts(3), None);
}

#[test]
#[should_panic(expected = "token not found")]
fn approving_an_unknown_token_panics() {
    let mut c = approved();
    ::core::assert!(c.nft_is_approved(id("t"), accounts(2), Some(0)));
    call_as(1, 1);
    c.nft_approve(id("missing"), accounts(3), None);
}

#[test]
#[should_panic(expected = "Requires attached deposit of exactly 1 yoctoNEAR")]
fn transfer_requires_exactly_one_yocto() {
    let mut c = approved();
    ::core::assert!(c.nft_is_approved(id("t"), accounts(2), Some(0)));
    call_as(2, 2);
    c.nft_transfer(accounts(3), id("t"), Some(0), None);
}

#[test]
#[should_panic(expected = "only the owner can mint")]
fn token_owner_cannot_mint() {
    let mut c = approved();
    ::core::assert_eq!(owner(&c, "t"), accounts(1));
    call_as(1, 0);
    c.nft_mint(id("u"), accounts(1));
}

#[test]
#[should_panic(expected = "Requires attached deposit of exactly 1 yoctoNEAR")]
fn revoke_requires_exactly_one_yocto() {
    let mut c = approved();
    call_as(1, 1);
    c.nft_revoke(id("t"), accounts(2));
    ::core::assert!(!c.nft_is_approved(id("t"), accounts(2), None));
    call_as(1, 0);
    c.nft_revoke(id("t"), accounts(3));
}

#[test]
#[should_panic(expected = "Requires attached deposit of exactly 1 yoctoNEAR")]
fn revoke_all_requires_exactly_one_yocto() {
    let mut c = approved();
    call_as(1, 1);
    c.nft_revoke_all(id("t"));
    ::core::assert!(!c.nft_is_approved(id("t"), accounts(2), None));
    call_as(1, 2);
    c.nft_revoke_all(id("t"));
}

#[test]
#[should_panic(expected = "token already owned by the receiver")]
fn transfer_to_the_current_owner_panics() {
    let mut c = approved();
    ::core::assert!(c.nft_is_approved(id("t"), accounts(2), Some(0)));
    call_as(2, 1);
    c.nft_transfer(accounts(1), id("t"), Some(0), None);
}
