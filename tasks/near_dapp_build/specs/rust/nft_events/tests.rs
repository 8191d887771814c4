use near_sdk::serde_json::{self, json, Value};
use near_sdk::test_utils::{accounts, get_logs, VMContextBuilder};
use near_sdk::{testing_env, NearToken};

fn call_as(i: usize, yocto: u128) {
    testing_env!(VMContextBuilder::new()
        .signer_account_id(accounts(5))
        .predecessor_account_id(accounts(i))
        .attached_deposit(NearToken::from_yoctonear(yocto))
        .build());
}

/// The events the last call logged (every log line must be an event).
fn events() -> Vec<Value> {
    get_logs()
        .iter()
        .map(|l| {
            let body = l
                .strip_prefix("EVENT_JSON:")
                .expect("log line starts with EVENT_JSON:");
            serde_json::from_str(body).expect("event is JSON")
        })
        .collect()
}

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Collection of accounts(0); tokens "a" and "b" minted to accounts(1).
fn collection() -> NftEvents {
    call_as(0, 0);
    let mut c = NftEvents::new(accounts(0));
    c.nft_mint(ids(&["a", "b"]), accounts(1), None);
    c
}

#[test]
fn mint_logs_one_event_with_all_ids() {
    let c = collection();
    ::core::assert_eq!(
        events(),
        ::std::vec![
            json!({"standard": "nep171", "version": "1.2.0", "event": "nft_mint",
            "data": [{"owner_id": "bob", "token_ids": ["a", "b"]}]})
        ]
    );
    ::core::assert_eq!(c.nft_token_owner("b".to_string()), Some(accounts(1)));
}

#[test]
fn mint_memo_is_included_only_when_given() {
    let mut c = collection();
    call_as(0, 0);
    c.nft_mint(ids(&["z"]), accounts(2), Some("drop".to_string()));
    ::core::assert_eq!(
        events(),
        ::std::vec![
            json!({"standard": "nep171", "version": "1.2.0", "event": "nft_mint",
            "data": [{"owner_id": "charlie", "token_ids": ["z"], "memo": "drop"}]})
        ]
    );
}

#[test]
fn transfer_logs_old_and_new_owner() {
    let mut c = collection();
    call_as(1, 1);
    c.nft_transfer(accounts(3), "a".to_string(), None, None);
    ::core::assert_eq!(
        events(),
        ::std::vec![
            json!({"standard": "nep171", "version": "1.2.0", "event": "nft_transfer",
            "data": [{"old_owner_id": "bob", "new_owner_id": "danny", "token_ids": ["a"]}]})
        ]
    );
    ::core::assert_eq!(c.nft_token_owner("a".to_string()), Some(accounts(3)));
    call_as(3, 1);
    c.nft_transfer(
        accounts(2),
        "a".to_string(),
        Some(1),
        Some("gift".to_string()),
    );
    ::core::assert_eq!(events()[0]["data"][0]["memo"], "gift");
    ::core::assert_eq!(events()[0]["data"][0]["old_owner_id"], "danny");
}

#[test]
fn burn_logs_and_removes_the_token() {
    let mut c = collection();
    call_as(1, 1);
    c.nft_burn("b".to_string());
    ::core::assert_eq!(
        events(),
        ::std::vec![
            json!({"standard": "nep171", "version": "1.2.0", "event": "nft_burn",
            "data": [{"owner_id": "bob", "token_ids": ["b"]}]})
        ]
    );
    ::core::assert_eq!(c.nft_token_owner("b".to_string()), None);
    ::core::assert_eq!(c.nft_token_owner("a".to_string()), Some(accounts(1)));
}

#[test]
#[should_panic(expected = "only the token owner can do this")]
fn stranger_cannot_burn() {
    let mut c = collection();
    ::core::assert_eq!(events().len(), 1);
    call_as(2, 1);
    c.nft_burn("a".to_string());
}

#[test]
#[should_panic(expected = "only the token owner can do this")]
fn stranger_cannot_transfer() {
    let mut c = collection();
    ::core::assert_eq!(c.nft_token_owner("a".to_string()), Some(accounts(1)));
    call_as(2, 1);
    c.nft_transfer(accounts(3), "a".to_string(), None, None);
}

#[test]
#[should_panic(expected = "token not found")]
fn burnt_token_cannot_be_transferred() {
    let mut c = collection();
    call_as(1, 1);
    c.nft_burn("a".to_string());
    ::core::assert_eq!(c.nft_token_owner("a".to_string()), None);
    c.nft_transfer(accounts(3), "a".to_string(), None, None);
}

#[test]
#[should_panic(expected = "Requires attached deposit of exactly 1 yoctoNEAR")]
fn burn_requires_one_yocto() {
    let mut c = collection();
    ::core::assert_eq!(c.nft_token_owner("a".to_string()), Some(accounts(1)));
    call_as(1, 0);
    c.nft_burn("a".to_string());
}

#[test]
#[should_panic(expected = "token id already exists")]
fn duplicate_id_in_one_mint_panics() {
    let mut c = collection();
    ::core::assert_eq!(c.nft_token_owner("b".to_string()), Some(accounts(1)));
    call_as(0, 0);
    c.nft_mint(ids(&["c", "c"]), accounts(2), None);
}

#[test]
#[should_panic(expected = "nothing to mint")]
fn empty_mint_panics() {
    let mut c = collection();
    ::core::assert_eq!(events().len(), 1);
    call_as(0, 0);
    c.nft_mint(::std::vec![], accounts(2), None);
}

#[test]
#[should_panic(expected = "only the owner can mint")]
fn stranger_cannot_mint() {
    let mut c = collection();
    ::core::assert_eq!(events().len(), 1);
    call_as(1, 0);
    c.nft_mint(ids(&["c"]), accounts(1), None);
}
