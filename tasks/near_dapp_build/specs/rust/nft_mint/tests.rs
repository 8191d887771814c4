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

fn meta(title: &str) -> TokenMetadata {
    TokenMetadata {
        title: Some(title.to_string()),
        description: None,
        media: None,
    }
}

fn owner_of(c: &NonFungibleToken, id: &str) -> Option<AccountId> {
    c.nft_token(id.to_string()).map(|t| t.owner_id)
}

/// A collection owned by accounts(0) with token "a" minted to accounts(1).
fn collection() -> NonFungibleToken {
    call_as(0, 0);
    let mut c = NonFungibleToken::new(accounts(0));
    call_as(0, NearToken::from_millinear(10).as_yoctonear());
    c.nft_mint("a".to_string(), accounts(1), meta("a"));
    c
}

#[test]
fn owner_mints_token() {
    let mut c = collection();
    call_as(0, 0);
    let token = c.nft_mint("1".to_string(), accounts(2), meta("one"));
    ::core::assert_eq!(token.token_id, "1");
    ::core::assert_eq!(token.owner_id, accounts(2));
    ::core::assert_eq!(token.metadata.title.as_deref(), Some("one"));
    let stored = c.nft_token("1".to_string()).expect("minted token");
    ::core::assert_eq!(
        (stored.token_id, stored.owner_id, stored.metadata.title),
        ("1".to_string(), accounts(2), Some("one".to_string()))
    );
    ::core::assert!(c.nft_token("2".to_string()).is_none());
    ::core::assert_eq!(c.nft_total_supply(), U128(2));
}

#[test]
#[should_panic(expected = "only the owner can mint")]
fn stranger_cannot_mint() {
    let mut c = collection();
    ::core::assert_eq!(owner_of(&c, "a"), Some(accounts(1)));
    call_as(1, 0);
    c.nft_mint("b".to_string(), accounts(1), meta("b"));
}

#[test]
#[should_panic(expected = "token id already exists")]
fn duplicate_token_id_panics() {
    let mut c = collection();
    ::core::assert_eq!(c.nft_total_supply(), U128(1));
    call_as(0, 0);
    c.nft_mint("a".to_string(), accounts(2), meta("again"));
}

#[test]
fn transfer_changes_owner() {
    let mut c = collection();
    call_as(1, 1);
    c.nft_transfer(accounts(2), "a".to_string(), None, None);
    ::core::assert_eq!(owner_of(&c, "a"), Some(accounts(2)));
    call_as(2, 1);
    c.nft_transfer(
        accounts(1),
        "a".to_string(),
        Some(3),
        Some("back".to_string()),
    );
    ::core::assert_eq!(owner_of(&c, "a"), Some(accounts(1)));
    ::core::assert_eq!(c.nft_total_supply(), U128(1));
}

#[test]
#[should_panic(expected = "only the token owner can transfer")]
fn stranger_cannot_transfer_to_a_third_account() {
    let mut c = collection();
    call_as(1, 1);
    c.nft_transfer(accounts(2), "a".to_string(), None, None);
    ::core::assert_eq!(owner_of(&c, "a"), Some(accounts(2)));
    // accounts(3) does not own "a" and tries to send it to accounts(4).
    call_as(3, 1);
    c.nft_transfer(accounts(4), "a".to_string(), None, None);
}

#[test]
#[should_panic(expected = "only the token owner can transfer")]
fn stranger_cannot_transfer_to_itself() {
    let mut c = collection();
    call_as(1, 1);
    c.nft_transfer(accounts(2), "a".to_string(), None, None);
    ::core::assert_eq!(owner_of(&c, "a"), Some(accounts(2)));
    call_as(3, 1);
    c.nft_transfer(accounts(3), "a".to_string(), None, None);
}

#[test]
#[should_panic(expected = "only the token owner can transfer")]
fn previous_owner_cannot_transfer() {
    let mut c = collection();
    call_as(1, 1);
    c.nft_transfer(accounts(2), "a".to_string(), None, None);
    ::core::assert_eq!(owner_of(&c, "a"), Some(accounts(2)));
    c.nft_transfer(accounts(3), "a".to_string(), None, None);
}

#[test]
#[should_panic(expected = "Requires attached deposit of exactly 1 yoctoNEAR")]
fn transfer_requires_one_yocto() {
    let mut c = collection();
    call_as(1, 1);
    c.nft_transfer(accounts(2), "a".to_string(), None, None);
    ::core::assert_eq!(owner_of(&c, "a"), Some(accounts(2)));
    call_as(2, 2);
    c.nft_transfer(accounts(1), "a".to_string(), None, None);
}

#[test]
#[should_panic(expected = "token not found")]
fn unknown_token_panics() {
    let mut c = collection();
    call_as(1, 1);
    c.nft_transfer(accounts(2), "a".to_string(), None, None);
    ::core::assert_eq!(owner_of(&c, "a"), Some(accounts(2)));
    c.nft_transfer(accounts(2), "zzz".to_string(), None, None);
}

#[test]
#[should_panic(expected = "token already owned by the receiver")]
fn transfer_to_current_owner_panics() {
    let mut c = collection();
    call_as(1, 1);
    c.nft_transfer(accounts(2), "a".to_string(), None, None);
    ::core::assert_eq!(owner_of(&c, "a"), Some(accounts(2)));
    call_as(2, 1);
    c.nft_transfer(accounts(2), "a".to_string(), None, None);
}

#[test]
fn tokens_for_owner_sorted() {
    let mut c = collection();
    call_as(0, 0);
    c.nft_mint("c".to_string(), accounts(1), meta("c"));
    c.nft_mint("b".to_string(), accounts(2), meta("b"));
    c.nft_mint("0".to_string(), accounts(1), meta("0"));
    let ids = |c: &NonFungibleToken, i: usize| -> Vec<String> {
        c.nft_tokens_for_owner(accounts(i))
            .into_iter()
            .map(|t| t.token_id)
            .collect()
    };
    ::core::assert_eq!(ids(&c, 1), ["0", "a", "c"].map(String::from).to_vec());
    call_as(1, 1);
    c.nft_transfer(accounts(2), "c".to_string(), None, None);
    ::core::assert_eq!(ids(&c, 1), ["0", "a"].map(String::from).to_vec());
    ::core::assert_eq!(ids(&c, 2), ["b", "c"].map(String::from).to_vec());
    ::core::assert!(ids(&c, 3).is_empty());
    ::core::assert_eq!(c.nft_total_supply(), U128(4));
}
