use near_sdk::test_utils::{accounts, VMContextBuilder};
use near_sdk::{testing_env, NearToken};

fn sign_as(i: usize, deposit: NearToken) {
    testing_env!(VMContextBuilder::new()
        .signer_account_id(accounts(5))
        .predecessor_account_id(accounts(i))
        .attached_deposit(deposit)
        .build());
}

fn texts(book: &GuestBook, from: Option<u32>, limit: Option<u32>) -> Vec<String> {
    book.get_messages(from, limit)
        .into_iter()
        .map(|m| m.text)
        .collect()
}

#[test]
fn first_message_is_stored() {
    sign_as(0, NearToken::from_yoctonear(0));
    let mut book = GuestBook::new();
    ::core::assert_eq!(book.total_messages(), 0);
    ::core::assert!(book.get_messages(None, None).is_empty());
    sign_as(1, NearToken::from_yoctonear(0));
    book.add_message("hi".to_string());
    ::core::assert_eq!(book.total_messages(), 1);
    ::core::assert_eq!(texts(&book, None, None), ::std::vec!["hi".to_string()]);
}

#[test]
fn records_sender_text_and_premium() {
    sign_as(0, NearToken::from_yoctonear(0));
    let mut book = GuestBook::new();
    sign_as(1, NearToken::from_yoctonear(0));
    book.add_message("hello".to_string());
    sign_as(2, NearToken::from_millinear(100));
    book.add_message("paid".to_string());
    let all = book.get_messages(None, None);
    ::core::assert_eq!(all.len(), 2);
    ::core::assert_eq!(
        (all[0].premium, all[0].sender.clone(), all[0].text.as_str()),
        (false, accounts(1), "hello")
    );
    ::core::assert_eq!(
        (all[1].premium, all[1].sender.clone(), all[1].text.as_str()),
        (true, accounts(2), "paid")
    );
    ::core::assert_eq!(book.total_messages(), 2);
}

#[test]
fn premium_threshold_is_inclusive() {
    sign_as(0, NearToken::from_yoctonear(0));
    let mut book = GuestBook::new();
    sign_as(
        1,
        NearToken::from_yoctonear(100_000_000_000_000_000_000_000 - 1),
    );
    book.add_message("almost".to_string());
    sign_as(
        1,
        NearToken::from_yoctonear(100_000_000_000_000_000_000_000),
    );
    book.add_message("exactly".to_string());
    sign_as(1, NearToken::from_near(5));
    book.add_message("more".to_string());
    let premium: Vec<bool> = book
        .get_messages(None, None)
        .into_iter()
        .map(|m| m.premium)
        .collect();
    ::core::assert_eq!(premium, ::std::vec![false, true, true]);
}

#[test]
fn pagination_defaults_and_limits() {
    sign_as(0, NearToken::from_yoctonear(0));
    let mut book = GuestBook::new();
    for i in 0..15 {
        book.add_message(::std::format!("m{i}"));
    }
    let first = texts(&book, None, None);
    ::core::assert_eq!(first.len(), 10);
    ::core::assert_eq!(first[0], "m0");
    ::core::assert_eq!(first[9], "m9");
    ::core::assert_eq!(
        texts(&book, Some(12), Some(2)),
        ::std::vec!["m12".to_string(), "m13".to_string()]
    );
    ::core::assert_eq!(texts(&book, Some(14), None), ::std::vec!["m14".to_string()]);
    ::core::assert_eq!(texts(&book, Some(3), Some(0)).len(), 0);
    ::core::assert!(book.get_messages(Some(20), Some(5)).is_empty());
    ::core::assert_eq!(book.total_messages(), 15);
}

#[test]
#[should_panic(expected = "message text must not be empty")]
fn empty_text_panics() {
    sign_as(0, NearToken::from_yoctonear(0));
    let mut book = GuestBook::new();
    book.add_message("ok".to_string());
    ::core::assert_eq!(book.total_messages(), 1);
    book.add_message(String::new());
}

#[test]
fn sender_is_the_predecessor() {
    sign_as(0, NearToken::from_yoctonear(0));
    let mut book = GuestBook::new();
    sign_as(3, NearToken::from_yoctonear(0));
    book.add_message("via a contract".to_string());
    ::core::assert_eq!(book.get_messages(None, None)[0].sender, accounts(3));
}
