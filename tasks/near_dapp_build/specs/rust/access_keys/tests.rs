use near_sdk::json_types::U128;
use near_sdk::mock::MockAction;
use near_sdk::test_utils::{accounts, get_created_receipts, VMContextBuilder};
use near_sdk::{testing_env, AccountId, PublicKey};

const K1: &str = "ed25519:6E8sCci9badyRkXb3JoRpBj5p8C6Tw41ELDZoiihKEtp";
const K2: &str = "ed25519:3tysLvy7KGoE8pznUgXvSHa4vYyGvrDZFcT8jgb8PEQ6";
const K3: &str = "ed25519:DcA2MzgpJbrUATQLLceocVckhhAqrkingax4oJ9kZ847";
const K4: &str = "ed25519:HbXHeMuaJkx4Gdm1B3HZLwKNMqr6HGf9cJm3Lz6d4AUX";

fn me() -> AccountId {
    "game.near".parse().unwrap()
}

fn pk(s: &str) -> PublicKey {
    s.parse().unwrap()
}

fn call_as(i: usize) {
    testing_env!(VMContextBuilder::new()
        .current_account_id(me())
        .signer_account_id(accounts(5))
        .predecessor_account_id(accounts(i))
        .build());
}

/// (receiver, action) of every scheduled key action.
fn key_actions() -> Vec<(AccountId, String)> {
    get_created_receipts()
        .into_iter()
        .flat_map(|r| {
            let to = r.receiver_id.clone();
            r.actions.into_iter().filter_map(move |a| match a {
                MockAction::AddKeyWithFunctionCall {
                    public_key,
                    allowance,
                    receiver_id,
                    method_names,
                    ..
                } => Some((
                    to.clone(),
                    ::std::format!(
                        "add {public_key} {:?} {receiver_id} {}",
                        allowance.map(|a| a.as_yoctonear()),
                        method_names.join(",")
                    ),
                )),
                MockAction::AddKeyWithFullAccess { public_key, .. } => {
                    Some((to.clone(), ::std::format!("full {public_key}")))
                }
                MockAction::DeleteKey { public_key, .. } => {
                    Some((to.clone(), ::std::format!("delete {public_key}")))
                }
                _ => None,
            })
        })
        .collect()
}

fn game() -> SessionKeys {
    call_as(0);
    SessionKeys::new(accounts(0))
}

#[test]
fn add_schedules_a_function_call_key() {
    let mut g = game();
    g.add_session_key(pk(K1), U128(250));
    ::core::assert_eq!(
        key_actions(),
        ::std::vec![(
            me(),
            ::std::format!("add {K1} Some(250) game.near play,claim")
        )]
    );
    ::core::assert_eq!(g.session_keys(), ::std::vec![K1.to_string()]);
}

#[test]
fn keys_are_listed_in_order_and_removed() {
    let mut g = game();
    g.add_session_key(pk(K2), U128(1));
    g.add_session_key(pk(K1), U128(2));
    g.add_session_key(pk(K3), U128(3));
    ::core::assert_eq!(
        g.session_keys(),
        ::std::vec![K2.to_string(), K1.to_string(), K3.to_string()]
    );
    call_as(0);
    g.remove_session_key(pk(K1));
    ::core::assert_eq!(
        key_actions(),
        ::std::vec![(me(), ::std::format!("delete {K1}"))]
    );
    ::core::assert_eq!(
        g.session_keys(),
        ::std::vec![K2.to_string(), K3.to_string()]
    );
    g.add_session_key(pk(K4), U128(4));
    ::core::assert_eq!(g.session_keys().len(), 3);
}

#[test]
fn play_counts_moves_per_account() {
    let mut g = game();
    call_as(2);
    ::core::assert_eq!(g.play(), 1);
    ::core::assert_eq!(g.play(), 2);
    call_as(3);
    ::core::assert_eq!(g.play(), 1);
    ::core::assert_eq!(g.moves_of(accounts(2)), 2);
    ::core::assert_eq!(g.moves_of(accounts(4)), 0);
}

#[test]
#[should_panic(expected = "only the owner can manage keys")]
fn stranger_cannot_add_keys() {
    let mut g = game();
    g.add_session_key(pk(K1), U128(10));
    ::core::assert_eq!(g.session_keys().len(), 1);
    call_as(1);
    g.add_session_key(pk(K2), U128(10));
}

#[test]
#[should_panic(expected = "only the owner can manage keys")]
fn stranger_cannot_remove_keys() {
    let mut g = game();
    g.add_session_key(pk(K1), U128(10));
    ::core::assert_eq!(g.session_keys().len(), 1);
    call_as(1);
    g.remove_session_key(pk(K1));
}

#[test]
#[should_panic(expected = "allowance must be positive")]
fn zero_allowance_panics() {
    let mut g = game();
    g.add_session_key(pk(K1), U128(1));
    ::core::assert_eq!(g.session_keys().len(), 1);
    g.add_session_key(pk(K2), U128(0));
}

#[test]
#[should_panic(expected = "too many session keys")]
fn fourth_key_panics() {
    let mut g = game();
    g.add_session_key(pk(K1), U128(1));
    g.add_session_key(pk(K2), U128(1));
    g.add_session_key(pk(K3), U128(1));
    ::core::assert_eq!(g.session_keys().len(), 3);
    g.add_session_key(pk(K4), U128(1));
}

#[test]
#[should_panic(expected = "key already added")]
fn same_key_twice_panics() {
    let mut g = game();
    g.add_session_key(pk(K1), U128(1));
    ::core::assert_eq!(g.session_keys().len(), 1);
    g.add_session_key(pk(K1), U128(5));
}

#[test]
#[should_panic(expected = "unknown session key")]
fn removing_an_unknown_key_panics() {
    let mut g = game();
    g.add_session_key(pk(K1), U128(1));
    g.remove_session_key(pk(K1));
    ::core::assert!(g.session_keys().is_empty());
    g.remove_session_key(pk(K1));
}
