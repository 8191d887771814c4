use std::collections::HashMap;

use near_sdk::serde_json::json;
use near_sdk::store::LookupMap;
use near_sdk::{
    assert_one_yocto, env, near, require, AccountId, Gas, NearToken, PanicOnDefault, Promise,
};

#[near(serializers = [json, borsh])]
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub token_id: String,
    pub owner_id: AccountId,
    pub approved_account_ids: HashMap<AccountId, u64>,
}

#[near(serializers = [borsh])]
struct Stored {
    token: Token,
    next_approval_id: u64,
}

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct NftApprovals {
    owner_id: AccountId,
    tokens: LookupMap<String, Stored>,
}

#[near]
impl NftApprovals {
    #[init]
    pub fn new(owner_id: AccountId) -> Self {
        Self {
            owner_id,
            tokens: LookupMap::new(b"t"),
        }
    }

    pub fn nft_mint(&mut self, token_id: String, receiver_id: AccountId) -> Token {
        require!(
            env::predecessor_account_id() == self.owner_id,
            "only the owner can mint"
        );
        let token = Token {
            token_id: token_id.clone(),
            owner_id: receiver_id,
            approved_account_ids: HashMap::new(),
        };
        self.tokens.insert(
            token_id,
            Stored {
                token: token.clone(),
                next_approval_id: 0,
            },
        );
        token
    }

    #[payable]
    pub fn nft_approve(
        &mut self,
        token_id: String,
        account_id: AccountId,
        msg: Option<String>,
    ) -> Option<Promise> {
        require!(
            env::attached_deposit() >= NearToken::from_yoctonear(1),
            "Requires attached deposit of at least 1 yoctoNEAR"
        );
        let stored = self.owned_mut(&token_id);
        let approval_id = stored.next_approval_id;
        stored.next_approval_id += 1;
        stored
            .token
            .approved_account_ids
            .insert(account_id.clone(), approval_id);
        let owner_id = stored.token.owner_id.clone();
        msg.map(|msg| {
            let args = json!({
                "token_id": token_id,
                "owner_id": owner_id,
                "approval_id": approval_id,
                "msg": msg,
            });
            Promise::new(account_id).function_call(
                "nft_on_approve".to_string(),
                args.to_string().into_bytes(),
                NearToken::from_yoctonear(0),
                Gas::from_tgas(10),
            )
        })
    }

    #[payable]
    pub fn nft_revoke(&mut self, token_id: String, account_id: AccountId) {
        assert_one_yocto();
        self.owned_mut(&token_id)
            .token
            .approved_account_ids
            .remove(&account_id);
    }

    #[payable]
    pub fn nft_revoke_all(&mut self, token_id: String) {
        assert_one_yocto();
        self.owned_mut(&token_id).token.approved_account_ids.clear();
    }

    pub fn nft_is_approved(
        &self,
        token_id: String,
        approved_account_id: AccountId,
        approval_id: Option<u64>,
    ) -> bool {
        let Some(stored) = self.tokens.get(&token_id) else {
            return false;
        };
        match stored.token.approved_account_ids.get(&approved_account_id) {
            Some(current) => approval_id.is_none_or(|id| id == *current),
            None => false,
        }
    }

    #[payable]
    pub fn nft_transfer(
        &mut self,
        receiver_id: AccountId,
        token_id: String,
        approval_id: Option<u64>,
        memo: Option<String>,
    ) {
        let _ = memo;
        assert_one_yocto();
        let sender = env::predecessor_account_id();
        let stored = self.tokens.get_mut(&token_id).expect("token not found");
        if sender != stored.token.owner_id {
            let current = stored
                .token
                .approved_account_ids
                .get(&sender)
                .copied()
                .unwrap_or_else(|| env::panic_str("sender is not approved"));
            require!(
                approval_id.is_none_or(|id| id == current),
                "approval id does not match"
            );
        }
        require!(
            stored.token.owner_id != receiver_id,
            "token already owned by the receiver"
        );
        stored.token.owner_id = receiver_id;
        stored.token.approved_account_ids.clear();
    }

    pub fn nft_token(&self, token_id: String) -> Option<Token> {
        self.tokens.get(&token_id).map(|s| s.token.clone())
    }
}

impl NftApprovals {
    fn owned_mut(&mut self, token_id: &String) -> &mut Stored {
        let stored = self.tokens.get_mut(token_id).expect("token not found");
        require!(
            stored.token.owner_id == env::predecessor_account_id(),
            "only the token owner can do this"
        );
        stored
    }
}
