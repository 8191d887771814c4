use near_sdk::json_types::U128;
use near_sdk::mock::MockAction;
use near_sdk::serde_json::{self, Value};
use near_sdk::test_utils::{accounts, get_created_receipts, VMContextBuilder};
use near_sdk::{
    testing_env, AccountId, Gas, NearToken, PromiseError, PromiseResult, RuntimeFeesConfig,
};

fn me() -> AccountId {
    "token.near".parse().unwrap()
}

fn call_as(i: usize, yocto: u128) {
    testing_env!(VMContextBuilder::new()
        .current_account_id(me())
        .signer_account_id(accounts(5))
        .predecessor_account_id(accounts(i))
        .attached_deposit(NearToken::from_yoctonear(yocto))
        .build());
}

fn callback_from(predecessor: AccountId, result: PromiseResult) {
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

/// (receiver, method, JSON args, deposit, gas) of every scheduled function call.
fn calls() -> Vec<(AccountId, String, Value, u128, Gas)> {
    get_created_receipts()
        .into_iter()
        .flat_map(|r| {
            let to = r.receiver_id.clone();
            r.actions.into_iter().filter_map(move |a| match a {
                MockAction::FunctionCallWeight {
                    method_name,
                    args,
                    attached_deposit,
                    prepaid_gas,
                    ..
                } => Some((
                    to.clone(),
                    String::from_utf8(method_name).unwrap(),
                    serde_json::from_slice(&args).unwrap_or(Value::Null),
                    attached_deposit.as_yoctonear(),
                    prepaid_gas,
                )),
                _ => None,
            })
        })
        .collect()
}

/// accounts(0) owns 1000; it transfer-called 100 to accounts(1) (balances 900 / 100).
fn after_transfer_call() -> FtTransferCall {
    call_as(0, 0);
    let mut t = FtTransferCall::new(accounts(0), U128(1_000));
    call_as(0, 1);
    drop(t.ft_transfer_call(accounts(1), U128(100), None, "buy".to_string()));
    t
}

fn balances(t: &FtTransferCall) -> (u128, u128) {
    (
        t.ft_balance_of(accounts(0)).0,
        t.ft_balance_of(accounts(1)).0,
    )
}

#[test]
fn transfer_call_moves_tokens_and_schedules_the_calls() {
    let t = after_transfer_call();
    ::core::assert_eq!(balances(&t), (900, 100));
    ::core::assert_eq!(t.ft_total_supply(), U128(1_000));
    let all = calls();
    let on = all
        .iter()
        .find(|c| c.0 == accounts(1) && c.1 == "ft_on_transfer")
        .expect("ft_on_transfer on the receiver");
    ::core::assert_eq!(
        on.2,
        serde_json::json!({"sender_id": "alice", "amount": "100", "msg": "buy"})
    );
    ::core::assert_eq!((on.3, on.4), (0, Gas::from_tgas(30)));
    let resolve = all
        .iter()
        .find(|c| c.0 == me() && c.1 == "ft_resolve_transfer")
        .expect("ft_resolve_transfer on the token");
    ::core::assert_eq!(
        resolve.2,
        serde_json::json!({"sender_id": "alice", "receiver_id": "bob", "amount": "100"})
    );
    ::core::assert_eq!(resolve.4, Gas::from_tgas(10));
}

#[test]
fn fully_used_transfer_is_not_refunded() {
    let mut t = after_transfer_call();
    callback_from(me(), PromiseResult::Successful(b"\"0\"".to_vec()));
    ::core::assert_eq!(
        t.ft_resolve_transfer(accounts(0), accounts(1), U128(100), Ok(U128(0))),
        U128(100)
    );
    ::core::assert_eq!(balances(&t), (900, 100));
}

#[test]
fn unused_part_is_refunded() {
    let mut t = after_transfer_call();
    callback_from(me(), PromiseResult::Successful(b"\"30\"".to_vec()));
    ::core::assert_eq!(
        t.ft_resolve_transfer(accounts(0), accounts(1), U128(100), Ok(U128(30))),
        U128(70)
    );
    ::core::assert_eq!(balances(&t), (930, 70));
    ::core::assert_eq!(t.ft_total_supply(), U128(1_000));
}

#[test]
fn one_token_transfers_and_refunds() {
    let mut t = after_transfer_call();
    call_as(1, 1);
    drop(t.ft_transfer_call(accounts(2), U128(1), None, String::new()));
    ::core::assert_eq!(t.ft_balance_of(accounts(2)), U128(1));
    callback_from(me(), PromiseResult::Successful(b"\"1\"".to_vec()));
    ::core::assert_eq!(
        t.ft_resolve_transfer(accounts(1), accounts(2), U128(1), Ok(U128(1))),
        U128(0)
    );
    ::core::assert_eq!(t.ft_balance_of(accounts(2)), U128(0));
    ::core::assert_eq!(balances(&t), (900, 100));
}

#[test]
fn failed_receiver_call_refunds_everything() {
    let mut t = after_transfer_call();
    callback_from(me(), PromiseResult::Failed);
    ::core::assert_eq!(
        t.ft_resolve_transfer(
            accounts(0),
            accounts(1),
            U128(100),
            Err(PromiseError::Failed)
        ),
        U128(0)
    );
    ::core::assert_eq!(balances(&t), (1_000, 0));
}

#[test]
fn unused_amount_is_capped_at_the_amount() {
    let mut t = after_transfer_call();
    call_as(0, 1);
    drop(t.ft_transfer_call(accounts(1), U128(50), None, String::new()));
    ::core::assert_eq!(balances(&t), (850, 150));
    callback_from(me(), PromiseResult::Successful(b"\"500\"".to_vec()));
    ::core::assert_eq!(
        t.ft_resolve_transfer(accounts(0), accounts(1), U128(50), Ok(U128(500))),
        U128(0)
    );
    ::core::assert_eq!(balances(&t), (900, 100));
}

#[test]
fn refund_is_limited_to_what_the_receiver_still_holds() {
    let mut t = after_transfer_call();
    // bob spends 80 of the 100 before the resolution runs.
    call_as(1, 1);
    drop(t.ft_transfer_call(accounts(2), U128(80), None, String::new()));
    ::core::assert_eq!(balances(&t), (900, 20));
    callback_from(me(), PromiseResult::Failed);
    ::core::assert_eq!(
        t.ft_resolve_transfer(
            accounts(0),
            accounts(1),
            U128(100),
            Err(PromiseError::Failed)
        ),
        U128(80)
    );
    ::core::assert_eq!(balances(&t), (920, 0));
    ::core::assert_eq!(t.ft_balance_of(accounts(2)), U128(80));
}

#[test]
#[should_panic(expected = "Requires attached deposit of exactly 1 yoctoNEAR")]
fn transfer_call_requires_exactly_one_yocto() {
    let mut t = after_transfer_call();
    ::core::assert_eq!(balances(&t), (900, 100));
    call_as(0, 2);
    drop(t.ft_transfer_call(accounts(1), U128(1), None, String::new()));
}

#[test]
#[should_panic(expected = "insufficient balance")]
fn transfer_call_beyond_balance_panics() {
    let mut t = after_transfer_call();
    ::core::assert_eq!(balances(&t), (900, 100));
    call_as(1, 1);
    drop(t.ft_transfer_call(accounts(2), U128(101), None, String::new()));
}

#[test]
#[should_panic(expected = "sender and receiver must differ")]
fn transfer_call_to_self_panics() {
    let mut t = after_transfer_call();
    ::core::assert_eq!(balances(&t), (900, 100));
    call_as(1, 1);
    drop(t.ft_transfer_call(accounts(1), U128(1), None, String::new()));
}

#[test]
#[should_panic(expected = "amount must be positive")]
fn zero_amount_panics() {
    let mut t = after_transfer_call();
    ::core::assert_eq!(balances(&t), (900, 100));
    call_as(1, 1);
    drop(t.ft_transfer_call(accounts(2), U128(0), None, String::new()));
}

#[test]
#[should_panic(expected = "Method is private")]
fn stranger_cannot_resolve() {
    let mut t = after_transfer_call();
    callback_from(me(), PromiseResult::Successful(b"\"0\"".to_vec()));
    ::core::assert_eq!(
        t.ft_resolve_transfer(accounts(0), accounts(1), U128(100), Ok(U128(0))),
        U128(100)
    );
    // bob calls the callback himself to fake a failed transfer.
    callback_from(accounts(1), PromiseResult::Failed);
    t.ft_resolve_transfer(
        accounts(0),
        accounts(1),
        U128(100),
        Err(PromiseError::Failed),
    );
}
