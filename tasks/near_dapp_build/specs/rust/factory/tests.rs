use near_sdk::json_types::{Base64VecU8, U128};
use near_sdk::mock::MockAction;
use near_sdk::serde_json::{self, json, Value};
use near_sdk::test_utils::{accounts, get_created_receipts, VMContextBuilder};
use near_sdk::{
    testing_env, AccountId, Gas, NearToken, PromiseError, PromiseResult, PublicKey,
    RuntimeFeesConfig,
};

const KEY: &str = "ed25519:6E8sCci9badyRkXb3JoRpBj5p8C6Tw41ELDZoiihKEtp";

fn me() -> AccountId {
    "factory.near".parse().unwrap()
}

fn key() -> PublicKey {
    KEY.parse().unwrap()
}

fn call_as(i: usize, deposit: NearToken) {
    testing_env!(VMContextBuilder::new()
        .current_account_id(me())
        .signer_account_id(accounts(5))
        .predecessor_account_id(accounts(i))
        .attached_deposit(deposit)
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

/// Every scheduled action as (receiver, short description).
fn actions() -> Vec<(String, String)> {
    get_created_receipts()
        .into_iter()
        .flat_map(|r| {
            let to = r.receiver_id.to_string();
            r.actions.into_iter().map(move |a| {
                let what = match a {
                    MockAction::CreateAccount { .. } => "create".to_string(),
                    MockAction::Transfer { deposit, .. } => {
                        ::std::format!("transfer {}", deposit.as_yoctonear())
                    }
                    MockAction::AddKeyWithFullAccess { public_key, .. } => {
                        ::std::format!("key {public_key}")
                    }
                    MockAction::DeployContract { code, .. } => ::std::format!("deploy {code:?}"),
                    MockAction::FunctionCallWeight {
                        method_name,
                        args,
                        attached_deposit,
                        prepaid_gas,
                        ..
                    } => {
                        let args: Value = serde_json::from_slice(&args).unwrap_or(Value::Null);
                        ::std::format!(
                            "call {} {} {} {}",
                            String::from_utf8(method_name).unwrap(),
                            args,
                            attached_deposit.as_yoctonear(),
                            prepaid_gas.as_tgas()
                        )
                    }
                    other => ::std::format!("{other:?}"),
                };
                (to.clone(), what)
            })
        })
        .collect()
}

fn near(n: u128) -> u128 {
    NearToken::from_near(n).as_yoctonear()
}

/// accounts(1) asked for "shop" with 3 NEAR; the batch is in flight.
fn requested() -> Factory {
    call_as(0, NearToken::from_yoctonear(0));
    let mut f = Factory::new(Base64VecU8::from(::std::vec![0u8, 97, 115, 109]));
    call_as(1, NearToken::from_near(3));
    drop(f.create_subaccount("shop".to_string(), key()));
    f
}

#[test]
fn create_batches_the_actions_in_order() {
    let f = requested();
    let sub = "shop.factory.near".to_string();
    let all = actions();
    let on_sub: Vec<String> = all
        .iter()
        .filter(|(to, _)| *to == sub)
        .map(|(_, a)| a.clone())
        .collect();
    ::core::assert_eq!(
        on_sub,
        ::std::vec![
            "create".to_string(),
            ::std::format!("transfer {}", near(3)),
            ::std::format!("key {KEY}"),
            "deploy [0, 97, 115, 109]".to_string(),
            ::std::format!("call new {} 0 30", json!({"owner_id": "bob"})),
        ]
    );
    let callback = json!({"name": "shop", "creator": "bob", "deposit": near(3).to_string()});
    ::core::assert!(
        all.contains(&(
            "factory.near".to_string(),
            ::std::format!("call on_create {callback} 0 10")
        )),
        "{all:?}"
    );
    ::core::assert!(
        f.get_subaccounts().is_empty(),
        "not created before the callback"
    );
}

#[test]
fn successful_creation_is_recorded() {
    let mut f = requested();
    callback_from(me(), PromiseResult::Successful(::std::vec![]));
    ::core::assert!(f.on_create("shop".to_string(), accounts(1), U128(near(3)), Ok(())));
    call_as(2, NearToken::from_near(2));
    drop(f.create_subaccount("app-2".to_string(), key()));
    callback_from(me(), PromiseResult::Successful(::std::vec![]));
    ::core::assert!(f.on_create("app-2".to_string(), accounts(2), U128(near(2)), Ok(())));
    let expected: Vec<AccountId> = ::std::vec![
        "app-2.factory.near".parse().unwrap(),
        "shop.factory.near".parse().unwrap()
    ];
    ::core::assert_eq!(f.get_subaccounts(), expected);
}

#[test]
fn failed_creation_refunds_and_frees_the_name() {
    let mut f = requested();
    callback_from(me(), PromiseResult::Failed);
    ::core::assert!(!f.on_create(
        "shop".to_string(),
        accounts(1),
        U128(near(3)),
        Err(PromiseError::Failed)
    ));
    ::core::assert_eq!(
        actions(),
        ::std::vec![(
            accounts(1).to_string(),
            ::std::format!("transfer {}", near(3))
        )]
    );
    ::core::assert!(f.get_subaccounts().is_empty());
    call_as(2, NearToken::from_near(2));
    drop(f.create_subaccount("shop".to_string(), key()));
    ::core::assert!(actions()
        .iter()
        .any(|(to, a)| to == "shop.factory.near" && a == "create"));
}

#[test]
#[should_panic(expected = "sub-account already exists")]
fn reserved_name_cannot_be_requested_again() {
    let mut f = requested();
    ::core::assert!(actions()
        .iter()
        .any(|(to, a)| to == "shop.factory.near" && a == "create"));
    call_as(2, NearToken::from_near(5));
    drop(f.create_subaccount("shop".to_string(), key()));
}

#[test]
#[should_panic(expected = "attach at least 2 NEAR")]
fn too_small_deposit_panics() {
    let mut f = requested();
    ::core::assert!(actions()
        .iter()
        .any(|(to, a)| to == "shop.factory.near" && a == "create"));
    call_as(2, NearToken::from_yoctonear(near(2) - 1));
    drop(f.create_subaccount("cheap".to_string(), key()));
}

#[test]
#[should_panic(expected = "invalid sub-account name")]
fn uppercase_name_panics() {
    let mut f = requested();
    ::core::assert!(actions()
        .iter()
        .any(|(to, a)| to == "shop.factory.near" && a == "create"));
    call_as(2, NearToken::from_near(3));
    drop(f.create_subaccount("Shop".to_string(), key()));
}

#[test]
#[should_panic(expected = "invalid sub-account name")]
fn dotted_name_panics() {
    let mut f = requested();
    call_as(2, NearToken::from_near(3));
    drop(f.create_subaccount("ok-2".to_string(), key()));
    ::core::assert!(actions()
        .iter()
        .any(|(to, a)| to == "ok-2.factory.near" && a == "create"));
    drop(f.create_subaccount("a.b".to_string(), key()));
}

#[test]
#[should_panic(expected = "invalid sub-account name")]
fn name_ending_with_a_dash_panics() {
    let mut f = requested();
    call_as(2, NearToken::from_near(3));
    drop(f.create_subaccount("a-b".to_string(), key()));
    ::core::assert!(actions()
        .iter()
        .any(|(to, a)| to == "a-b.factory.near" && a == "create"));
    drop(f.create_subaccount("ab-".to_string(), key()));
}

#[test]
fn names_of_2_and_32_characters_are_valid() {
    let mut f = requested();
    for name in ["ab".to_string(), "x".repeat(32)] {
        call_as(2, NearToken::from_near(2));
        drop(f.create_subaccount(name.clone(), key()));
        let sub = ::std::format!("{name}.factory.near");
        ::core::assert!(
            actions().iter().any(|(to, a)| *to == sub && a == "create"),
            "{name}"
        );
    }
}

#[test]
#[should_panic(expected = "invalid sub-account name")]
fn one_character_name_panics() {
    let mut f = requested();
    ::core::assert!(actions()
        .iter()
        .any(|(to, a)| to == "shop.factory.near" && a == "create"));
    call_as(2, NearToken::from_near(3));
    drop(f.create_subaccount("a".to_string(), key()));
}

#[test]
#[should_panic(expected = "invalid sub-account name")]
fn name_of_33_characters_panics() {
    let mut f = requested();
    ::core::assert!(actions()
        .iter()
        .any(|(to, a)| to == "shop.factory.near" && a == "create"));
    call_as(2, NearToken::from_near(3));
    drop(f.create_subaccount("y".repeat(33), key()));
}

#[test]
#[should_panic(expected = "Method is private")]
fn stranger_cannot_confirm_a_creation() {
    let mut f = requested();
    callback_from(me(), PromiseResult::Successful(::std::vec![]));
    ::core::assert!(f.on_create("shop".to_string(), accounts(1), U128(near(3)), Ok(())));
    callback_from(accounts(1), PromiseResult::Failed);
    f.on_create(
        "shop".to_string(),
        accounts(1),
        U128(near(3)),
        Err(PromiseError::Failed),
    );
}
