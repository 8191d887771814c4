use std::collections::HashMap;

use near_sdk::json_types::U128;
use near_sdk::test_utils::{accounts, VMContextBuilder};
use near_sdk::{testing_env, AccountId, NearToken};

fn call_as(i: usize, yocto: u128) {
    testing_env!(VMContextBuilder::new()
        .signer_account_id(accounts(5))
        .predecessor_account_id(accounts(i))
        .attached_deposit(NearToken::from_yoctonear(yocto))
        .build());
}

fn royalty(entries: &[(usize, u32)]) -> HashMap<AccountId, u32> {
    entries
        .iter()
        .map(|(i, bps)| (accounts(*i), *bps))
        .collect()
}

fn sorted(p: Payout) -> Vec<(AccountId, u128)> {
    let mut v: Vec<(AccountId, u128)> = p.payout.into_iter().map(|(a, x)| (a, x.0)).collect();
    v.sort();
    v
}

/// "art" owned by accounts(1): 10 % to accounts(2), 2.5 % to accounts(3).
fn collection() -> NftRoyalties {
    call_as(0, 0);
    let mut c = NftRoyalties::new(accounts(0));
    c.nft_mint(
        "art".to_string(),
        accounts(1),
        royalty(&[(2, 1_000), (3, 250)]),
    );
    c
}

#[test]
fn payout_splits_royalties_and_owner_gets_the_rest() {
    let c = collection();
    ::core::assert_eq!(c.nft_token_owner("art".to_string()), Some(accounts(1)));
    ::core::assert_eq!(c.nft_token_owner("none".to_string()), None);
    ::core::assert_eq!(
        sorted(c.nft_payout("art".to_string(), U128(10_000), None)),
        ::std::vec![
            (accounts(1), 8_750),
            (accounts(2), 1_000),
            (accounts(3), 250)
        ]
    );
}

#[test]
fn shares_round_down_and_the_remainder_goes_to_the_owner() {
    let c = collection();
    ::core::assert_eq!(
        sorted(c.nft_payout("art".to_string(), U128(999), Some(3))),
        ::std::vec![(accounts(1), 876), (accounts(2), 99), (accounts(3), 24)]
    );
    ::core::assert_eq!(
        sorted(c.nft_payout("art".to_string(), U128(7), None)),
        ::std::vec![(accounts(1), 7), (accounts(2), 0), (accounts(3), 0)]
    );
}

#[test]
fn owner_with_a_royalty_share_gets_one_entry() {
    call_as(0, 0);
    let mut c = NftRoyalties::new(accounts(0));
    c.nft_mint(
        "self".to_string(),
        accounts(1),
        royalty(&[(1, 500), (2, 9_500)]),
    );
    ::core::assert_eq!(
        sorted(c.nft_payout("self".to_string(), U128(1_000), Some(2))),
        ::std::vec![(accounts(1), 50), (accounts(2), 950)]
    );
}

#[test]
fn transfer_payout_pays_the_previous_owner_and_moves_the_token() {
    let mut c = collection();
    call_as(1, 1);
    let payout = c.nft_transfer_payout(
        accounts(4),
        "art".to_string(),
        Some(0),
        None,
        U128(2_000),
        Some(3),
    );
    ::core::assert_eq!(
        sorted(payout),
        ::std::vec![(accounts(1), 1_750), (accounts(2), 200), (accounts(3), 50)]
    );
    ::core::assert_eq!(c.nft_token_owner("art".to_string()), Some(accounts(4)));
    ::core::assert_eq!(
        sorted(c.nft_payout("art".to_string(), U128(100), None))[2],
        (accounts(4), 88)
    );
}

#[test]
#[should_panic(expected = "royalties exceed 100%")]
fn royalties_above_100_percent_panic() {
    let mut c = collection();
    call_as(0, 0);
    c.nft_mint("full".to_string(), accounts(1), royalty(&[(2, 10_000)]));
    ::core::assert_eq!(c.nft_token_owner("full".to_string()), Some(accounts(1)));
    c.nft_mint(
        "over".to_string(),
        accounts(1),
        royalty(&[(2, 9_000), (3, 1_001)]),
    );
}

fn ten_accounts() -> HashMap<AccountId, u32> {
    (0..10)
        .map(|i| (::std::format!("r{i}.near").parse().unwrap(), 100))
        .collect()
}

#[test]
fn ten_royalty_accounts_are_allowed() {
    let mut c = collection();
    call_as(0, 0);
    c.nft_mint("ten".to_string(), accounts(1), ten_accounts());
    let payout = c.nft_payout("ten".to_string(), U128(100), None).payout;
    ::core::assert_eq!(payout.len(), 11);
    ::core::assert_eq!(payout.get(&accounts(1)), Some(&U128(90)));
}

#[test]
#[should_panic(expected = "too many royalty accounts")]
fn more_than_ten_royalty_accounts_panic() {
    let mut c = collection();
    ::core::assert_eq!(
        c.nft_payout("art".to_string(), U128(10), None).payout.len(),
        3
    );
    call_as(0, 0);
    let mut eleven = ten_accounts();
    eleven.insert("r10.near".parse().unwrap(), 100);
    c.nft_mint("eleven".to_string(), accounts(1), eleven);
}

#[test]
#[should_panic(expected = "payout exceeds max_len_payout")]
fn payout_longer_than_max_len_panics() {
    let c = collection();
    ::core::assert_eq!(
        c.nft_payout("art".to_string(), U128(10), Some(3))
            .payout
            .len(),
        3
    );
    c.nft_payout("art".to_string(), U128(10), Some(2));
}

#[test]
#[should_panic(expected = "only the token owner can transfer")]
fn royalty_holder_cannot_transfer() {
    let mut c = collection();
    ::core::assert_eq!(c.nft_token_owner("art".to_string()), Some(accounts(1)));
    call_as(2, 1);
    c.nft_transfer_payout(accounts(2), "art".to_string(), None, None, U128(1), None);
}

#[test]
#[should_panic(expected = "Requires attached deposit of exactly 1 yoctoNEAR")]
fn transfer_payout_requires_one_yocto() {
    let mut c = collection();
    ::core::assert_eq!(c.nft_token_owner("art".to_string()), Some(accounts(1)));
    call_as(1, 0);
    c.nft_transfer_payout(accounts(4), "art".to_string(), None, None, U128(1), None);
}

#[test]
#[should_panic(expected = "only the owner can mint")]
fn stranger_cannot_mint() {
    let mut c = collection();
    ::core::assert_eq!(c.nft_token_owner("art".to_string()), Some(accounts(1)));
    call_as(1, 0);
    c.nft_mint("mine".to_string(), accounts(1), HashMap::new());
}

#[test]
#[should_panic(expected = "token not found")]
fn payout_of_unknown_token_panics() {
    let c = collection();
    ::core::assert_eq!(
        c.nft_payout("art".to_string(), U128(4), None).payout.len(),
        3
    );
    c.nft_payout("ghost".to_string(), U128(4), None);
}
