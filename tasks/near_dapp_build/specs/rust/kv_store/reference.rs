use near_sdk::json_types::U128;
use near_sdk::store::LookupMap;
use near_sdk::{env, near, require, AccountId, NearToken, PanicOnDefault, Promise};

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct KeyValueStore {
    values: LookupMap<String, String>,
    balances: LookupMap<AccountId, u128>,
}

fn namespaced(account: &AccountId, key: &str) -> String {
    format!("{account}\u{0}{key}")
}

#[near]
impl KeyValueStore {
    #[init]
    pub fn new() -> Self {
        Self {
            values: LookupMap::new(b"v"),
            balances: LookupMap::new(b"b"),
        }
    }

    #[payable]
    pub fn storage_deposit(&mut self) -> U128 {
        let deposit = env::attached_deposit();
        require!(!deposit.is_zero(), "attach a deposit");
        let account = env::predecessor_account_id();
        let balance = self.balance(&account) + deposit.as_yoctonear();
        self.balances.insert(account, balance);
        U128(balance)
    }

    pub fn set(&mut self, key: String, value: String) {
        let account = env::predecessor_account_id();
        let before = env::storage_usage();
        self.values.insert(namespaced(&account, &key), value);
        self.values.flush();
        self.settle(account, before);
    }

    pub fn remove(&mut self, key: String) -> Option<String> {
        let account = env::predecessor_account_id();
        let before = env::storage_usage();
        let old = self.values.remove(&namespaced(&account, &key));
        self.values.flush();
        self.settle(account, before);
        old
    }

    pub fn get(&self, account_id: AccountId, key: String) -> Option<String> {
        self.values.get(&namespaced(&account_id, &key)).cloned()
    }

    pub fn storage_balance_of(&self, account_id: AccountId) -> U128 {
        U128(self.balance(&account_id))
    }

    pub fn storage_withdraw(&mut self) -> U128 {
        let account = env::predecessor_account_id();
        let amount = self.balance(&account);
        self.balances.insert(account.clone(), 0);
        if amount > 0 {
            Promise::new(account)
                .transfer(NearToken::from_yoctonear(amount))
                .detach();
        }
        U128(amount)
    }
}

impl KeyValueStore {
    fn balance(&self, account: &AccountId) -> u128 {
        self.balances.get(account).copied().unwrap_or(0)
    }

    /// Charges (or refunds) the storage the caller's last write used since `before`.
    fn settle(&mut self, account: AccountId, before: u64) {
        let after = env::storage_usage();
        let byte_cost = env::storage_byte_cost().as_yoctonear();
        let mut balance = self.balance(&account);
        if after > before {
            let cost = u128::from(after - before) * byte_cost;
            require!(balance >= cost, "not enough storage balance");
            balance -= cost;
        } else {
            balance += u128::from(before - after) * byte_cost;
        }
        self.balances.insert(account, balance);
    }
}
