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

fn ids(tokens: Vec<Token>) -> Vec<String> {
    tokens.into_iter().map(|t| t.token_id).collect()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Minted in this order: "m" -> accounts(1), "c" -> accounts(2), "a" -> accounts(1), "x" -> accounts(1).
fn collection() -> NftEnumeration {
    call_as(0, 0);
    let mut c = NftEnumeration::new(accounts(0));
    for (token, owner) in [("m", 1), ("c", 2), ("a", 1), ("x", 1)] {
        c.nft_mint(token.to_string(), accounts(owner));
    }
    c
}

fn owner_of(c: &NftEnumeration, token: &str) -> Option<AccountId> {
    c.nft_tokens(None, None)
        .into_iter()
        .find(|t| t.token_id == token)
        .map(|t| t.owner_id)
}

#[test]
fn supply_and_minting_order() {
    let c = collection();
    ::core::assert_eq!(c.nft_total_supply(), U128(4));
    ::core::assert_eq!(ids(c.nft_tokens(None, None)), strs(&["m", "c", "a", "x"]));
    ::core::assert_eq!(owner_of(&c, "c"), Some(accounts(2)));
    ::core::assert_eq!(owner_of(&c, "a"), Some(accounts(1)));
}

#[test]
fn nft_tokens_pages() {
    let c = collection();
    ::core::assert_eq!(ids(c.nft_tokens(Some(U128(1)), Some(2))), strs(&["c", "a"]));
    ::core::assert_eq!(ids(c.nft_tokens(Some(U128(3)), None)), strs(&["x"]));
    ::core::assert_eq!(ids(c.nft_tokens(None, Some(1))), strs(&["m"]));
    ::core::assert!(c.nft_tokens(Some(U128(4)), Some(10)).is_empty());
}

#[test]
fn per_owner_views_sort_and_page() {
    let c = collection();
    ::core::assert_eq!(c.nft_supply_for_owner(accounts(1)), U128(3));
    ::core::assert_eq!(c.nft_supply_for_owner(accounts(2)), U128(1));
    ::core::assert_eq!(c.nft_supply_for_owner(accounts(3)), U128(0));
    ::core::assert_eq!(
        ids(c.nft_tokens_for_owner(accounts(1), None, None)),
        strs(&["a", "m", "x"])
    );
    ::core::assert_eq!(
        ids(c.nft_tokens_for_owner(accounts(1), Some(U128(1)), Some(1))),
        strs(&["m"])
    );
    ::core::assert_eq!(
        ids(c.nft_tokens_for_owner(accounts(1), Some(U128(2)), None)),
        strs(&["x"])
    );
    ::core::assert!(c.nft_tokens_for_owner(accounts(3), None, None).is_empty());
}

#[test]
fn transfers_update_the_owner_views() {
    let mut c = collection();
    call_as(1, 1);
    c.nft_transfer(accounts(2), "m".to_string(), None, None);
    ::core::assert_eq!(c.nft_supply_for_owner(accounts(1)), U128(2));
    ::core::assert_eq!(c.nft_supply_for_owner(accounts(2)), U128(2));
    ::core::assert_eq!(
        ids(c.nft_tokens_for_owner(accounts(1), None, None)),
        strs(&["a", "x"])
    );
    ::core::assert_eq!(
        ids(c.nft_tokens_for_owner(accounts(2), None, None)),
        strs(&["c", "m"])
    );
    ::core::assert_eq!(owner_of(&c, "m"), Some(accounts(2)));
    ::core::assert_eq!(ids(c.nft_tokens(None, None)), strs(&["m", "c", "a", "x"]));
    ::core::assert_eq!(c.nft_total_supply(), U128(4));
}

#[test]
#[should_panic(expected = "only the token owner can transfer")]
fn stranger_cannot_transfer() {
    let mut c = collection();
    call_as(2, 1);
    c.nft_transfer(accounts(3), "c".to_string(), None, None);
    ::core::assert_eq!(owner_of(&c, "c"), Some(accounts(3)));
    c.nft_transfer(accounts(4), "a".to_string(), None, None);
}

#[test]
#[should_panic(expected = "Requires attached deposit of exactly 1 yoctoNEAR")]
fn transfer_requires_one_yocto() {
    let mut c = collection();
    ::core::assert_eq!(c.nft_supply_for_owner(accounts(2)), U128(1));
    call_as(2, 0);
    c.nft_transfer(accounts(3), "c".to_string(), None, None);
}

#[test]
#[should_panic(expected = "token not found")]
fn transfer_of_unknown_token_panics() {
    let mut c = collection();
    ::core::assert_eq!(c.nft_total_supply(), U128(4));
    call_as(2, 1);
    c.nft_transfer(accounts(3), "zz".to_string(), None, None);
}

#[test]
#[should_panic(expected = "token id already exists")]
fn duplicate_mint_panics() {
    let mut c = collection();
    ::core::assert_eq!(c.nft_total_supply(), U128(4));
    call_as(0, 0);
    c.nft_mint("a".to_string(), accounts(3));
}

#[test]
#[should_panic(expected = "only the owner can mint")]
fn stranger_cannot_mint() {
    let mut c = collection();
    ::core::assert_eq!(c.nft_total_supply(), U128(4));
    call_as(1, 0);
    c.nft_mint("b".to_string(), accounts(1));
}

#[test]
#[should_panic(expected = "Cannot provide limit of 0.")]
fn zero_limit_panics() {
    let c = collection();
    ::core::assert_eq!(c.nft_tokens_for_owner(accounts(2), None, Some(5)).len(), 1);
    c.nft_tokens_for_owner(accounts(1), None, Some(0));
}
