use std::collections::BTreeSet;

use near_sdk::json_types::U128;
use near_sdk::store::{LookupMap, Vector};
use near_sdk::{assert_one_yocto, env, near, require, AccountId, PanicOnDefault};

#[near(serializers = [json, borsh])]
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub token_id: String,
    pub owner_id: AccountId,
}

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct NftEnumeration {
    owner_id: AccountId,
    order: Vector<String>,
    owners: LookupMap<String, AccountId>,
    per_owner: LookupMap<AccountId, BTreeSet<String>>,
}

fn page<T>(items: impl Iterator<Item = T>, from_index: Option<U128>, limit: Option<u64>) -> Vec<T> {
    require!(limit != Some(0), "Cannot provide limit of 0.");
    let from = usize::try_from(from_index.map_or(0, |i| i.0)).unwrap_or(usize::MAX);
    let limit = limit.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
    items.skip(from).take(limit).collect()
}

#[near]
impl NftEnumeration {
    #[init]
    pub fn new(owner_id: AccountId) -> Self {
        Self {
            owner_id,
            order: Vector::new(b"o"),
            owners: LookupMap::new(b"w"),
            per_owner: LookupMap::new(b"p"),
        }
    }

    pub fn nft_mint(&mut self, token_id: String, receiver_id: AccountId) -> Token {
        require!(
            env::predecessor_account_id() == self.owner_id,
            "only the owner can mint"
        );
        require!(
            !self.owners.contains_key(&token_id),
            "token id already exists"
        );
        self.order.push(token_id.clone());
        self.owners.insert(token_id.clone(), receiver_id.clone());
        self.per_owner
            .entry(receiver_id.clone())
            .or_default()
            .insert(token_id.clone());
        Token {
            token_id,
            owner_id: receiver_id,
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
        let _ = (approval_id, memo);
        assert_one_yocto();
        let owner = self.owners.get(&token_id).expect("token not found").clone();
        require!(
            owner == env::predecessor_account_id(),
            "only the token owner can transfer"
        );
        if let Some(set) = self.per_owner.get_mut(&owner) {
            set.remove(&token_id);
        }
        self.per_owner
            .entry(receiver_id.clone())
            .or_default()
            .insert(token_id.clone());
        self.owners.insert(token_id, receiver_id);
    }

    pub fn nft_total_supply(&self) -> U128 {
        U128(u128::from(self.order.len()))
    }

    pub fn nft_tokens(&self, from_index: Option<U128>, limit: Option<u64>) -> Vec<Token> {
        page(
            self.order.iter().map(|id| self.token(id)),
            from_index,
            limit,
        )
    }

    pub fn nft_supply_for_owner(&self, account_id: AccountId) -> U128 {
        U128(
            self.per_owner
                .get(&account_id)
                .map_or(0, |s| s.len() as u128),
        )
    }

    pub fn nft_tokens_for_owner(
        &self,
        account_id: AccountId,
        from_index: Option<U128>,
        limit: Option<u64>,
    ) -> Vec<Token> {
        let owned: Vec<String> = self
            .per_owner
            .get(&account_id)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default();
        page(owned.iter().map(|id| self.token(id)), from_index, limit)
    }
}

impl NftEnumeration {
    fn token(&self, token_id: &String) -> Token {
        Token {
            token_id: token_id.clone(),
            owner_id: self.owners.get(token_id).expect("token not found").clone(),
        }
    }
}
