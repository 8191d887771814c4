use near_sdk::mock::MockAction;
use near_sdk::serde_json::{self, Value};
use near_sdk::test_utils::{accounts, get_created_receipts, VMContextBuilder};
use near_sdk::{testing_env, AccountId, PromiseError, PromiseResult, RuntimeFeesConfig};

fn me() -> AccountId {
    "client.near".parse().unwrap()
}

fn call_as(predecessor: AccountId) {
    testing_env!(VMContextBuilder::new()
        .current_account_id(me())
        .predecessor_account_id(predecessor)
        .build());
}

/// The environment a callback runs in: called by the contract itself, with one mocked promise result.
fn callback_env(result: PromiseResult) {
    let context = VMContextBuilder::new()
        .current_account_id(me())
        .predecessor_account_id(me())
        .build();
    testing_env!(
        context,
        near_sdk::test_vm_config(),
        RuntimeFeesConfig::test(),
        Default::default(),
        vec![result]
    );
}

/// (receiver, method, JSON args) of every function call the contract scheduled.
fn calls() -> Vec<(AccountId, String, Vec<u8>)> {
    get_created_receipts()
        .into_iter()
        .flat_map(|r| {
            let to = r.receiver_id.clone();
            r.actions.into_iter().filter_map(move |a| match a {
                MockAction::FunctionCallWeight {
                    method_name, args, ..
                } => Some((to.clone(), String::from_utf8(method_name).unwrap(), args)),
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
    let promise = c.query_greeting();
    drop(promise);
    let scheduled: Vec<(AccountId, String)> =
        calls().into_iter().map(|(to, m, _)| (to, m)).collect();
    assert!(
        scheduled.contains(&(accounts(3), "get_greeting".to_string())),
        "{scheduled:?}"
    );
    assert!(
        scheduled.contains(&(me(), "query_greeting_callback".to_string())),
        "{scheduled:?}"
    );
}

#[test]
fn change_sends_json_args() {
    call_as(accounts(0));
    let mut c = GreetingClient::new(accounts(3));
    drop(c.change_greeting("howdy".to_string()));
    let all = calls();
    let set = all
        .iter()
        .find(|(to, m, _)| to == &accounts(3) && m == "set_greeting")
        .expect("set_greeting call");
    let args: Value = serde_json::from_slice(&set.2).expect("JSON arguments");
    assert_eq!(args["greeting"], "howdy");
    assert!(all
        .iter()
        .any(|(to, m, _)| to == &me() && m == "change_greeting_callback"));
}

#[test]
fn successful_query_is_remembered() {
    call_as(accounts(0));
    let mut c = GreetingClient::new(accounts(3));
    assert_eq!(c.get_last_greeting(), None);
    callback_env(PromiseResult::Successful(b"\"hello\"".to_vec()));
    assert_eq!(c.query_greeting_callback(Ok("hello".to_string())), "hello");
    assert_eq!(c.get_last_greeting(), Some("hello".to_string()));
}

#[test]
fn failed_query_keeps_last_greeting() {
    call_as(accounts(0));
    let mut c = GreetingClient::new(accounts(3));
    callback_env(PromiseResult::Successful(b"\"hi\"".to_vec()));
    c.query_greeting_callback(Ok("hi".to_string()));
    callback_env(PromiseResult::Failed);
    assert_eq!(c.query_greeting_callback(Err(PromiseError::Failed)), "");
    assert_eq!(c.get_last_greeting(), Some("hi".to_string()));
}

#[test]
fn change_callback_reports_outcome() {
    call_as(accounts(0));
    let mut c = GreetingClient::new(accounts(3));
    callback_env(PromiseResult::Successful(vec![]));
    assert!(c.change_greeting_callback(Ok(())));
    callback_env(PromiseResult::Failed);
    assert!(!c.change_greeting_callback(Err(PromiseError::Failed)));
}
