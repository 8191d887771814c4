use near_sdk::json_types::U128;
use near_sdk::test_utils::{accounts, VMContextBuilder};
use near_sdk::{testing_env, NearToken};

fn call_as(i: usize, yocto: u128) {
    testing_env!(VMContextBuilder::new()
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

fn collection() -> NonFungibleToken {
    call_as(0, 0);
    NonFungibleToken::new(accounts(0))
}

#[test]
fn owner_mints_token() {
    let mut c = collection();
    call_as(0, NearToken::from_millinear(10).as_yoctonear());
    let token = c.nft_mint("1".to_string(), accounts(1), meta("one"));
    assert_eq!(
        token,
        Token {
            token_id: "1".to_string(),
            owner_id: accounts(1),
            metadata: meta("one")
        }
    );
    assert_eq!(c.nft_token("1".to_string()), Some(token));
    assert_eq!(c.nft_token("2".to_string()), None);
    assert_eq!(c.nft_total_supply(), U128(1));
}

#[test]
#[should_panic]
fn stranger_cannot_mint() {
    let mut c = collection();
    call_as(1, 0);
    c.nft_mint("1".to_string(), accounts(1), meta("one"));
}

#[test]
#[should_panic]
fn duplicate_token_id_panics() {
    let mut c = collection();
    call_as(0, 0);
    c.nft_mint("1".to_string(), accounts(1), meta("one"));
    c.nft_mint("1".to_string(), accounts(2), meta("again"));
}

#[test]
fn transfer_changes_owner() {
    let mut c = collection();
    call_as(0, 0);
    c.nft_mint("a".to_string(), accounts(1), meta("a"));
    call_as(1, 1);
    c.nft_transfer(accounts(2), "a".to_string(), None, None);
    assert_eq!(c.nft_token("a".to_string()).unwrap().owner_id, accounts(2));
}

#[test]
#[should_panic]
fn transfer_by_non_owner_panics() {
    let mut c = collection();
    call_as(0, 0);
    c.nft_mint("a".to_string(), accounts(1), meta("a"));
    call_as(2, 1);
    c.nft_transfer(accounts(2), "a".to_string(), None, None);
}

#[test]
#[should_panic]
fn transfer_requires_one_yocto() {
    let mut c = collection();
    call_as(0, 0);
    c.nft_mint("a".to_string(), accounts(1), meta("a"));
    call_as(1, 0);
    c.nft_transfer(accounts(2), "a".to_string(), None, None);
}

#[test]
fn tokens_for_owner_sorted() {
    let mut c = collection();
    call_as(0, 0);
    c.nft_mint("c".to_string(), accounts(1), meta("c"));
    c.nft_mint("a".to_string(), accounts(1), meta("a"));
    c.nft_mint("b".to_string(), accounts(2), meta("b"));
    let ids: Vec<String> = c
        .nft_tokens_for_owner(accounts(1))
        .into_iter()
        .map(|t| t.token_id)
        .collect();
    assert_eq!(ids, vec!["a".to_string(), "c".to_string()]);
    assert!(c.nft_tokens_for_owner(accounts(3)).is_empty());
    assert_eq!(c.nft_total_supply(), U128(3));
}
