use near_sdk::json_types::U128;
use near_sdk::store::LookupSet;
use near_sdk::{
    assert_one_yocto, env, near, require, AccountId, NearToken, PanicOnDefault, Promise,
};

#[near(serializers = [json, borsh])]
#[derive(Clone, Debug, PartialEq)]
pub struct StorageBalance {
    pub total: U128,
    pub available: U128,
}

#[near(serializers = [json, borsh])]
#[derive(Clone, Debug, PartialEq)]
pub struct StorageBalanceBounds {
    pub min: U128,
    pub max: Option<U128>,
}

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct StorageManager {
    min_deposit: u128,
    registered: LookupSet<AccountId>,
}

fn refund(to: AccountId, amount: u128) {
    if amount > 0 {
        Promise::new(to)
            .transfer(NearToken::from_yoctonear(amount))
            .detach();
    }
}

#[near]
impl StorageManager {
    #[init]
    pub fn new(min_deposit: U128) -> Self {
        Self {
            min_deposit: min_deposit.0,
            registered: LookupSet::new(b"r"),
        }
    }

    #[payable]
    pub fn storage_deposit(
        &mut self,
        account_id: Option<AccountId>,
        registration_only: Option<bool>,
    ) -> StorageBalance {
        let _ = registration_only;
        let deposit = env::attached_deposit().as_yoctonear();
        let payer = env::predecessor_account_id();
        let account = account_id.unwrap_or_else(|| payer.clone());
        if self.registered.contains(&account) {
            refund(payer, deposit);
        } else {
            require!(
                deposit >= self.min_deposit,
                "The attached deposit is less than the minimum storage balance"
            );
            self.registered.insert(account);
            refund(payer, deposit - self.min_deposit);
        }
        self.balance()
    }

    #[payable]
    pub fn storage_withdraw(&mut self, amount: Option<U128>) -> StorageBalance {
        assert_one_yocto();
        require!(
            self.registered.contains(&env::predecessor_account_id()),
            "The account is not registered"
        );
        require!(
            amount.map_or(0, |a| a.0) == 0,
            "The amount is greater than the available storage balance"
        );
        self.balance()
    }

    #[payable]
    pub fn storage_unregister(&mut self, force: Option<bool>) -> bool {
        let _ = force;
        assert_one_yocto();
        let account = env::predecessor_account_id();
        if !self.registered.remove(&account) {
            return false;
        }
        refund(account, self.min_deposit);
        true
    }

    pub fn storage_balance_of(&self, account_id: AccountId) -> Option<StorageBalance> {
        self.registered
            .contains(&account_id)
            .then(|| self.balance())
    }

    pub fn storage_balance_bounds(&self) -> StorageBalanceBounds {
        StorageBalanceBounds {
            min: U128(self.min_deposit),
            max: Some(U128(self.min_deposit)),
        }
    }
}

impl StorageManager {
    fn balance(&self) -> StorageBalance {
        StorageBalance {
            total: U128(self.min_deposit),
            available: U128(0),
        }
    }
}
