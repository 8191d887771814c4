use near_sdk::json_types::U128;
use near_sdk::serde_json::json;
use near_sdk::store::LookupMap;
use near_sdk::{
    assert_one_yocto, assert_self, env, near, require, AccountId, Gas, NearToken, PanicOnDefault,
    Promise, PromiseError, PromiseOrValue,
};

const ON_TRANSFER_GAS: Gas = Gas::from_tgas(30);
const RESOLVE_GAS: Gas = Gas::from_tgas(10);

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct FtTransferCall {
    balances: LookupMap<AccountId, u128>,
    total_supply: u128,
}

#[near]
impl FtTransferCall {
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
    pub fn ft_transfer_call(
        &mut self,
        receiver_id: AccountId,
        amount: U128,
        memo: Option<String>,
        msg: String,
    ) -> PromiseOrValue<U128> {
        let _ = memo;
        assert_one_yocto();
        let sender_id = env::predecessor_account_id();
        require!(sender_id != receiver_id, "sender and receiver must differ");
        require!(amount.0 > 0, "amount must be positive");
        self.move_tokens(&sender_id, &receiver_id, amount.0);
        let args = json!({ "sender_id": sender_id, "amount": amount, "msg": msg });
        Promise::new(receiver_id.clone())
            .function_call(
                "ft_on_transfer".to_string(),
                args.to_string().into_bytes(),
                NearToken::from_yoctonear(0),
                ON_TRANSFER_GAS,
            )
            .then(
                Self::ext(env::current_account_id())
                    .with_static_gas(RESOLVE_GAS)
                    .ft_resolve_transfer(sender_id, receiver_id, amount),
            )
            .into()
    }

    #[private]
    pub fn ft_resolve_transfer(
        &mut self,
        sender_id: AccountId,
        receiver_id: AccountId,
        amount: U128,
        #[callback_result] unused: Result<U128, PromiseError>,
    ) -> U128 {
        assert_self();
        let unused = match unused {
            Ok(value) => value.0.min(amount.0),
            Err(_) => amount.0,
        };
        let refund = unused.min(self.balance(&receiver_id));
        if refund > 0 {
            self.move_tokens(&receiver_id, &sender_id, refund);
        }
        U128(amount.0 - refund)
    }

    pub fn ft_balance_of(&self, account_id: AccountId) -> U128 {
        U128(self.balance(&account_id))
    }

    pub fn ft_total_supply(&self) -> U128 {
        U128(self.total_supply)
    }
}

impl FtTransferCall {
    fn balance(&self, account: &AccountId) -> u128 {
        self.balances.get(account).copied().unwrap_or(0)
    }

    fn move_tokens(&mut self, from: &AccountId, to: &AccountId, amount: u128) {
        let from_balance = self.balance(from);
        require!(from_balance >= amount, "insufficient balance");
        self.balances.insert(from.clone(), from_balance - amount);
        let to_balance = self.balance(to);
        self.balances.insert(to.clone(), to_balance + amount);
    }
}
