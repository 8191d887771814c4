use near_sdk::test_utils::{accounts, VMContextBuilder};
use near_sdk::{env, testing_env, AccountId};

fn me() -> AccountId {
    "board.near".parse().unwrap()
}

fn call_as(predecessor: AccountId) {
    testing_env!(VMContextBuilder::new()
        .current_account_id(me())
        .signer_account_id(accounts(5))
        .predecessor_account_id(predecessor)
        .build());
}

/// The state v1 left behind: owner accounts(0), three messages.
fn deploy_v1() {
    call_as(me());
    env::state_write(&OldBoard {
        owner: accounts(0),
        messages: ["hello", "gm", "bye"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    });
}

fn texts(b: &MessageBoard) -> Vec<(AccountId, String)> {
    b.get_messages(0, 100)
        .into_iter()
        .map(|m| (m.author, m.text))
        .collect()
}

#[test]
fn migrate_converts_v1_messages() {
    deploy_v1();
    let b = MessageBoard::migrate();
    ::core::assert_eq!(b.get_owner(), accounts(0));
    ::core::assert_eq!(b.total_messages(), 3);
    ::core::assert_eq!(
        texts(&b),
        ::std::vec![
            (accounts(0), "hello".to_string()),
            (accounts(0), "gm".to_string()),
            (accounts(0), "bye".to_string())
        ]
    );
}

#[test]
fn migrated_board_keeps_working() {
    deploy_v1();
    let mut b = MessageBoard::migrate();
    call_as(accounts(2));
    b.add_message("first v2".to_string());
    ::core::assert_eq!(b.total_messages(), 4);
    let page = b.get_messages(2, 5);
    ::core::assert_eq!(page.len(), 2);
    ::core::assert_eq!(
        (page[0].author.clone(), page[0].text.as_str()),
        (accounts(0), "bye")
    );
    ::core::assert_eq!(
        (page[1].author.clone(), page[1].text.as_str()),
        (accounts(2), "first v2")
    );
    ::core::assert_eq!(b.get_messages(1, 1)[0].text, "gm");
    ::core::assert!(b.get_messages(4, 1).is_empty());
}

#[test]
fn fresh_board_starts_empty() {
    call_as(accounts(1));
    let mut b = MessageBoard::new(accounts(3));
    ::core::assert_eq!(b.get_owner(), accounts(3));
    ::core::assert_eq!(b.total_messages(), 0);
    b.add_message("hi".to_string());
    ::core::assert_eq!(texts(&b), ::std::vec![(accounts(1), "hi".to_string())]);
}

#[test]
fn migrating_an_empty_v1_board() {
    call_as(me());
    env::state_write(&OldBoard {
        owner: accounts(4),
        messages: ::std::vec![],
    });
    let b = MessageBoard::migrate();
    ::core::assert_eq!(b.get_owner(), accounts(4));
    ::core::assert_eq!(b.total_messages(), 0);
}

#[test]
#[should_panic(expected = "Method is private")]
fn stranger_cannot_migrate() {
    deploy_v1();
    ::core::assert_eq!(MessageBoard::migrate().total_messages(), 3);
    deploy_v1();
    call_as(accounts(1));
    MessageBoard::migrate();
}

#[test]
#[should_panic(expected = "no state to migrate")]
fn migrate_without_v1_state_panics() {
    deploy_v1();
    ::core::assert_eq!(MessageBoard::migrate().get_owner(), accounts(0));
    call_as(me());
    env::storage_remove(b"STATE");
    MessageBoard::migrate();
}

#[test]
#[should_panic(expected = "message must not be empty")]
fn empty_message_panics() {
    deploy_v1();
    let mut b = MessageBoard::migrate();
    call_as(accounts(1));
    b.add_message("ok".to_string());
    ::core::assert_eq!(b.total_messages(), 4);
    b.add_message(String::new());
}
