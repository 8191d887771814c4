use near_sdk::mock::MockAction;
use near_sdk::serde_json::{self, Value};
use near_sdk::test_utils::{accounts, get_created_receipts, VMContextBuilder};
use near_sdk::{testing_env, AccountId, Gas, PromiseError, PromiseResult, RuntimeFeesConfig};

fn me() -> AccountId {
    "client.near".parse().unwrap()
}

fn call_as(predecessor: AccountId) {
    testing_env!(VMContextBuilder::new()
        .current_account_id(me())
        .signer_account_id(accounts(5))
        .predecessor_account_id(predecessor)
        .build());
}

/// The environment a callback runs in: called by `predecessor` with one mocked promise result.
fn callback_env_from(predecessor: AccountId, result: PromiseResult) {
    let context = VMContextBuilder::new()
        .current_account_id(me())
        .predecessor_account_id(predecessor)
        .build();
    testing_env!(
        context,
        near_sdk::test_vm_config(),
        RuntimeFeesConfig::test(),
        Default::default(),
        ::std::vec![result]
    );
}

fn callback_env(result: PromiseResult) {
    callback_env_from(me(), result);
}

/// (receiver, method, JSON args, prepaid gas) of every function call the contract scheduled, which must
/// attach no deposit.
fn calls() -> Vec<(AccountId, String, Vec<u8>, Gas)> {
    get_created_receipts()
        .into_iter()
        .flat_map(|r| {
            let to = r.receiver_id.clone();
            r.actions.into_iter().filter_map(move |a| match a {
                MockAction::FunctionCallWeight {
                    method_name,
                    args,
                    prepaid_gas,
                    attached_deposit,
                    ..
                } => {
                    ::core::assert_eq!(
                        attached_deposit.as_yoctonear(),
                        0,
                        "calls attach no deposit"
                    );
                    Some((
                        to.clone(),
                        String::from_utf8(method_name).unwrap(),
                        args,
                        prepaid_gas,
                    ))
                }
                _ => None,
            })
        })
        .collect()
}

#[test]
fn query_calls_greeter_then_callback() {
    call_as(accounts(0));
    let c = GreetingClient::new(accounts(3));
    call_as(accounts(1));
    drop(c.query_greeting());
    let all = calls();
    let get = all
        .iter()
        .find(|(to, m, _, _)| to == &accounts(3) && m == "get_greeting")
        .expect("get_greeting call on the greeter");
    ::core::assert_eq!(get.3, Gas::from_tgas(5));
    let back = all
        .iter()
        .find(|(to, m, _, _)| to == &me() && m == "query_greeting_callback")
        .expect("callback on the contract itself");
    ::core::assert_eq!(back.3, Gas::from_tgas(5));
    ::core::assert_eq!(all.len(), 2, "{all:?}");
}

#[test]
fn change_sends_json_args() {
    call_as(accounts(0));
    let mut c = GreetingClient::new(accounts(3));
    drop(c.change_greeting("howdy".to_string()));
    let all = calls();
    let set = all
        .iter()
        .find(|(to, m, _, _)| to == &accounts(3) && m == "set_greeting")
        .expect("set_greeting call");
    let args: Value = serde_json::from_slice(&set.2).expect("JSON arguments");
    ::core::assert_eq!(args, serde_json::json!({"greeting": "howdy"}));
    ::core::assert_eq!(set.3, Gas::from_tgas(5));
    ::core::assert!(all.iter().any(|(to, m, _, g)| to == &me()
        && m == "change_greeting_callback"
        && *g == Gas::from_tgas(5)));
    ::core::assert_eq!(c.get_last_greeting(), None);
}

#[test]
fn successful_query_is_remembered() {
    call_as(accounts(0));
    let mut c = GreetingClient::new(accounts(3));
    ::core::assert_eq!(c.get_last_greeting(), None);
    callback_env(PromiseResult::Successful(b"\"hello\"".to_vec()));
    ::core::assert_eq!(c.query_greeting_callback(Ok("hello".to_string())), "hello");
    ::core::assert_eq!(c.get_last_greeting(), Some("hello".to_string()));
    callback_env(PromiseResult::Successful(b"\"bye\"".to_vec()));
    ::core::assert_eq!(c.query_greeting_callback(Ok("bye".to_string())), "bye");
    ::core::assert_eq!(c.get_last_greeting(), Some("bye".to_string()));
}

#[test]
fn failed_query_keeps_last_greeting() {
    call_as(accounts(0));
    let mut c = GreetingClient::new(accounts(3));
    callback_env(PromiseResult::Successful(b"\"hi\"".to_vec()));
    ::core::assert_eq!(c.query_greeting_callback(Ok("hi".to_string())), "hi");
    callback_env(PromiseResult::Failed);
    ::core::assert_eq!(c.query_greeting_callback(Err(PromiseError::Failed)), "");
    ::core::assert_eq!(c.get_last_greeting(), Some("hi".to_string()));
}

#[test]
fn change_callback_reports_outcome() {
    call_as(accounts(0));
    let mut c = GreetingClient::new(accounts(3));
    callback_env(PromiseResult::Successful(::std::vec![]));
    ::core::assert!(c.change_greeting_callback(Ok(())));
    callback_env(PromiseResult::Failed);
    ::core::assert!(!c.change_greeting_callback(Err(PromiseError::Failed)));
}

#[test]
#[should_panic(expected = "Method is private")]
fn stranger_cannot_call_query_callback() {
    call_as(accounts(0));
    let mut c = GreetingClient::new(accounts(3));
    callback_env(PromiseResult::Successful(b"\"real\"".to_vec()));
    ::core::assert_eq!(c.query_greeting_callback(Ok("real".to_string())), "real");
    // A stranger tries to plant a greeting by calling the callback itself.
    callback_env_from(accounts(2), PromiseResult::Successful(b"\"fake\"".to_vec()));
    c.query_greeting_callback(Ok("fake".to_string()));
}

#[test]
#[should_panic(expected = "Method is private")]
fn stranger_cannot_call_change_callback() {
    call_as(accounts(0));
    let mut c = GreetingClient::new(accounts(3));
    callback_env(PromiseResult::Successful(::std::vec![]));
    ::core::assert!(c.change_greeting_callback(Ok(())));
    callback_env_from(accounts(3), PromiseResult::Successful(::std::vec![]));
    c.change_greeting_callback(Ok(()));
}
