use near_sdk::test_utils::{accounts, VMContextBuilder};
use near_sdk::{testing_env, NearToken};

fn sign_as(i: usize, deposit: NearToken) {
    testing_env!(VMContextBuilder::new()
        .predecessor_account_id(accounts(i))
        .attached_deposit(deposit)
        .build());
}

#[test]
fn empty_book() {
    sign_as(0, NearToken::from_yoctonear(0));
    let book = GuestBook::new();
    assert_eq!(book.total_messages(), 0);
    assert!(book.get_messages(None, None).is_empty());
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
    assert_eq!(all.len(), 2);
    assert_eq!(
        all[0],
        PostedMessage {
            premium: false,
            sender: accounts(1),
            text: "hello".to_string()
        }
    );
    assert_eq!(
        all[1],
        PostedMessage {
            premium: true,
            sender: accounts(2),
            text: "paid".to_string()
        }
    );
    assert_eq!(book.total_messages(), 2);
}

#[test]
fn just_below_threshold_is_not_premium() {
    sign_as(0, NearToken::from_yoctonear(0));
    let mut book = GuestBook::new();
    sign_as(
        1,
        NearToken::from_yoctonear(100_000_000_000_000_000_000_000 - 1),
    );
    book.add_message("almost".to_string());
    assert!(!book.get_messages(None, None)[0].premium);
}

#[test]
fn pagination_defaults_and_limits() {
    sign_as(0, NearToken::from_yoctonear(0));
    let mut book = GuestBook::new();
    for i in 0..15 {
        book.add_message(format!("m{i}"));
    }
    let first = book.get_messages(None, None);
    assert_eq!(first.len(), 10);
    assert_eq!(first[0].text, "m0");
    let page = book.get_messages(Some(12), Some(2));
    assert_eq!(
        page.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(),
        vec!["m12", "m13"]
    );
    assert_eq!(book.get_messages(Some(14), None).len(), 1);
    assert!(book.get_messages(Some(20), Some(5)).is_empty());
    assert_eq!(book.total_messages(), 15);
}

#[test]
#[should_panic]
fn empty_text_panics() {
    sign_as(0, NearToken::from_yoctonear(0));
    let mut book = GuestBook::new();
    book.add_message(String::new());
}
