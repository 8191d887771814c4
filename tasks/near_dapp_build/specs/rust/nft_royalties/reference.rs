use std::collections::HashMap;

use near_sdk::json_types::U128;
use near_sdk::store::LookupMap;
use near_sdk::{assert_one_yocto, env, near, require, AccountId, PanicOnDefault};

const FULL_BPS: u32 = 10_000;
const MAX_ROYALTY_ACCOUNTS: usize = 10;

#[near(serializers = [json, borsh])]
#[derive(Clone, Debug, PartialEq)]
pub struct Payout {
    pub payout: HashMap<AccountId, U128>,
}

#[near(serializers = [borsh])]
struct Stored {
    owner_id: AccountId,
    royalty: HashMap<AccountId, u32>,
}

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct NftRoyalties {
    owner_id: AccountId,
    tokens: LookupMap<String, Stored>,
}

#[near]
impl NftRoyalties {
    #[init]
    pub fn new(owner_id: AccountId) -> Self {
        Self {
            owner_id,
            tokens: LookupMap::new(b"t"),
        }
    }

    pub fn nft_mint(
        &mut self,
        token_id: String,
        receiver_id: AccountId,
        royalty: HashMap<AccountId, u32>,
    ) {
        require!(
            env::predecessor_account_id() == self.owner_id,
            "only the owner can mint"
        );
        let total: u64 = royalty.values().map(|bps| u64::from(*bps)).sum();
        require!(total <= u64::from(FULL_BPS), "royalties exceed 100%");
        require!(
            royalty.len() <= MAX_ROYALTY_ACCOUNTS,
            "too many royalty accounts"
        );
        self.tokens.insert(
            token_id,
            Stored {
                owner_id: receiver_id,
                royalty,
            },
        );
    }

    pub fn nft_token_owner(&self, token_id: String) -> Option<AccountId> {
        self.tokens.get(&token_id).map(|t| t.owner_id.clone())
    }

    pub fn nft_payout(
        &self,
        token_id: String,
        balance: U128,
        max_len_payout: Option<u32>,
    ) -> Payout {
        let token = self.tokens.get(&token_id).expect("token not found");
        let mut payout: HashMap<AccountId, U128> = HashMap::new();
        let mut paid = 0u128;
        for (account, bps) in &token.royalty {
            let share = balance.0 * u128::from(*bps) / u128::from(FULL_BPS);
            paid += share;
            payout.insert(account.clone(), U128(share));
        }
        let owner_share = payout.entry(token.owner_id.clone()).or_insert(U128(0));
        owner_share.0 += balance.0 - paid;
        if let Some(max) = max_len_payout {
            require!(
                payout.len() <= max as usize,
                "payout exceeds max_len_payout"
            );
        }
        Payout { payout }
    }

    #[payable]
    pub fn nft_transfer_payout(
        &mut self,
        receiver_id: AccountId,
        token_id: String,
        approval_id: Option<u64>,
        memo: Option<String>,
        balance: U128,
        max_len_payout: Option<u32>,
    ) -> Payout {
        let _ = (approval_id, memo);
        assert_one_yocto();
        let owner = self
            .tokens
            .get(&token_id)
            .expect("token not found")
            .owner_id
            .clone();
        require!(
            owner == env::predecessor_account_id(),
            "only the token owner can transfer"
        );
        let payout = self.nft_payout(token_id.clone(), balance, max_len_payout);
        if let Some(token) = self.tokens.get_mut(&token_id) {
            token.owner_id = receiver_id;
        }
        payout
    }
}
