use near_sdk::json_types::{Base64VecU8, U128};
use near_sdk::serde_json::json;
use near_sdk::store::IterableMap;
use near_sdk::{
    assert_self, env, near, require, AccountId, Gas, NearToken, PanicOnDefault, Promise,
    PromiseError, PublicKey,
};

const MIN_DEPOSIT: NearToken = NearToken::from_near(2);
const INIT_GAS: Gas = Gas::from_tgas(30);
const CALLBACK_GAS: Gas = Gas::from_tgas(10);

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct Factory {
    code: Vec<u8>,
    // name -> created (false while the creation is in flight)
    names: IterableMap<String, bool>,
}

fn valid_name(name: &str) -> bool {
    (2..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

fn full_id(name: &str) -> AccountId {
    format!("{name}.{}", env::current_account_id())
        .parse()
        .unwrap_or_else(|_| env::panic_str("invalid sub-account name"))
}

#[near]
impl Factory {
    #[init]
    pub fn new(code: Base64VecU8) -> Self {
        Self {
            code: code.into(),
            names: IterableMap::new(b"n"),
        }
    }

    #[payable]
    pub fn create_subaccount(&mut self, name: String, public_key: PublicKey) -> Promise {
        require!(valid_name(&name), "invalid sub-account name");
        let deposit = env::attached_deposit();
        require!(deposit >= MIN_DEPOSIT, "attach at least 2 NEAR");
        require!(
            !self.names.contains_key(&name),
            "sub-account already exists"
        );
        self.names.insert(name.clone(), false);
        let creator = env::predecessor_account_id();
        let args = json!({ "owner_id": creator }).to_string().into_bytes();
        Promise::new(full_id(&name))
            .create_account()
            .transfer(deposit)
            .add_full_access_key(public_key)
            .deploy_contract(self.code.clone())
            .function_call(
                "new".to_string(),
                args,
                NearToken::from_yoctonear(0),
                INIT_GAS,
            )
            .then(
                Self::ext(env::current_account_id())
                    .with_static_gas(CALLBACK_GAS)
                    .on_create(name, creator, U128(deposit.as_yoctonear())),
            )
    }

    #[private]
    pub fn on_create(
        &mut self,
        name: String,
        creator: AccountId,
        deposit: U128,
        #[callback_result] result: Result<(), PromiseError>,
    ) -> bool {
        assert_self();
        if result.is_ok() {
            self.names.insert(name, true);
            true
        } else {
            self.names.remove(&name);
            Promise::new(creator)
                .transfer(NearToken::from_yoctonear(deposit.0))
                .detach();
            false
        }
    }

    pub fn get_subaccounts(&self) -> Vec<AccountId> {
        let mut names: Vec<&String> = self
            .names
            .iter()
            .filter(|(_, created)| **created)
            .map(|(name, _)| name)
            .collect();
        names.sort();
        names.into_iter().map(|n| full_id(n)).collect()
    }
}
