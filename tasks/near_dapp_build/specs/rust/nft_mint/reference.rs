use near_sdk::json_types::U128;
use near_sdk::store::IterableMap;
use near_sdk::{assert_one_yocto, env, near, require, AccountId, PanicOnDefault};

#[near(serializers = [json, borsh])]
#[derive(Clone, Debug, PartialEq)]
pub struct TokenMetadata {
    pub title: Option<String>,
    pub description: Option<String>,
    pub media: Option<String>,
}

#[near(serializers = [json, borsh])]
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub token_id: String,
    pub owner_id: AccountId,
    pub metadata: TokenMetadata,
}

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct NonFungibleToken {
    owner_id: AccountId,
    tokens: IterableMap<String, Token>,
}

#[near]
impl NonFungibleToken {
    #[init]
    pub fn new(owner_id: AccountId) -> Self {
        Self {
            owner_id,
            tokens: IterableMap::new(b"t"),
        }
    }

    #[payable]
    pub fn nft_mint(
        &mut self,
        token_id: String,
        receiver_id: AccountId,
        metadata: TokenMetadata,
    ) -> Token {
        require!(
            env::predecessor_account_id() == self.owner_id,
            "only the owner can mint"
        );
        require!(
            !self.tokens.contains_key(&token_id),
            "token id already exists"
        );
        let token = Token {
            token_id: token_id.clone(),
            owner_id: receiver_id,
            metadata,
        };
        self.tokens.insert(token_id, token.clone());
        token
    }

    #[payable]
    pub fn nft_transfer(
        &mut self,
        receiver_id: AccountId,
        token_id: String,
        approval_id: Option<u64>,
        memo: Option<String>,
    ) {
        let _ = (approval_id, memo);
        assert_one_yocto();
        let token = self.tokens.get_mut(&token_id).expect("token not found");
        require!(
            token.owner_id == env::predecessor_account_id(),
            "only the token owner can transfer"
        );
        require!(
            token.owner_id != receiver_id,
            "token already owned by the receiver"
        );
        token.owner_id = receiver_id;
    }

    pub fn nft_token(&self, token_id: String) -> Option<Token> {
        self.tokens.get(&token_id).cloned()
    }

    pub fn nft_tokens_for_owner(&self, account_id: AccountId) -> Vec<Token> {
        let mut owned: Vec<Token> = self
            .tokens
            .values()
            .filter(|t| t.owner_id == account_id)
            .cloned()
            .collect();
        owned.sort_by(|a, b| a.token_id.cmp(&b.token_id));
        owned
    }

    pub fn nft_total_supply(&self) -> U128 {
        U128(u128::from(self.tokens.len()))
    }
}
