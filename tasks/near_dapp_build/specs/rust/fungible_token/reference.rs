use near_sdk::json_types::U128;
use near_sdk::serde_json::json;
use near_sdk::store::LookupMap;
use near_sdk::{assert_one_yocto, env, log, near, require, AccountId, PanicOnDefault};

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct FungibleToken {
    balances: LookupMap<AccountId, u128>,
    total_supply: u128,
}

#[near]
impl FungibleToken {
    #[init]
    pub fn new(owner_id: AccountId, total_supply: U128) -> Self {
        let mut balances = LookupMap::new(b"b");
        balances.insert(owner_id, total_supply.0);
        Self {
            balances,
            total_supply: total_supply.0,
        }
    }

    #[payable]
    pub fn ft_transfer(&mut self, receiver_id: AccountId, amount: U128, memo: Option<String>) {
        assert_one_yocto();
        let sender_id = env::predecessor_account_id();
        require!(sender_id != receiver_id, "sender and receiver must differ");
        require!(amount.0 > 0, "amount must be positive");
        let sender_balance = self.balance(&sender_id);
        require!(sender_balance >= amount.0, "insufficient balance");
        let receiver_balance = self.balance(&receiver_id);
        self.balances
            .insert(sender_id.clone(), sender_balance - amount.0);
        self.balances.insert(
            receiver_id.clone(),
            receiver_balance.checked_add(amount.0).expect("overflow"),
        );
        let mut data = json!({
            "old_owner_id": sender_id,
            "new_owner_id": receiver_id,
            "amount": amount,
        });
        if let Some(memo) = memo {
            data["memo"] = json!(memo);
        }
        let event = json!({"standard": "nep141", "version": "1.0.0", "event": "ft_transfer", "data": [data]});
        log!("EVENT_JSON:{}", event);
    }

    pub fn ft_total_supply(&self) -> U128 {
        U128(self.total_supply)
    }

    pub fn ft_balance_of(&self, account_id: AccountId) -> U128 {
        U128(self.balance(&account_id))
    }
}

impl FungibleToken {
    fn balance(&self, account: &AccountId) -> u128 {
        self.balances.get(account).copied().unwrap_or(0)
    }
}
