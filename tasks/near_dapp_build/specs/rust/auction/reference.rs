use near_sdk::json_types::{U128, U64};
use near_sdk::{env, near, require, AccountId, NearToken, PanicOnDefault, Promise};

#[near(serializers = [json, borsh])]
#[derive(Clone, Debug, PartialEq)]
pub struct Bid {
    pub bidder: AccountId,
    pub bid: U128,
}

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct Auction {
    highest_bid: Bid,
    end_time: u64,
    auctioneer: AccountId,
    claimed: bool,
}

#[near]
impl Auction {
    #[init]
    pub fn new(end_time: U64, auctioneer: AccountId) -> Self {
        Self {
            highest_bid: Bid {
                bidder: env::current_account_id(),
                bid: U128(1),
            },
            end_time: end_time.0,
            auctioneer,
            claimed: false,
        }
    }

    #[payable]
    pub fn bid(&mut self) {
        require!(env::block_timestamp() < self.end_time, "auction has ended");
        let deposit = env::attached_deposit().as_yoctonear();
        require!(
            deposit > self.highest_bid.bid.0,
            "you must place a higher bid"
        );
        let previous = std::mem::replace(
            &mut self.highest_bid,
            Bid {
                bidder: env::predecessor_account_id(),
                bid: U128(deposit),
            },
        );
        Promise::new(previous.bidder)
            .transfer(NearToken::from_yoctonear(previous.bid.0))
            .detach();
    }

    pub fn claim(&mut self) {
        require!(
            env::block_timestamp() >= self.end_time,
            "auction has not ended yet"
        );
        require!(!self.claimed, "auction has already been claimed");
        self.claimed = true;
        Promise::new(self.auctioneer.clone())
            .transfer(NearToken::from_yoctonear(self.highest_bid.bid.0))
            .detach();
    }

    pub fn get_highest_bid(&self) -> Bid {
        self.highest_bid.clone()
    }

    pub fn get_auction_end_time(&self) -> U64 {
        U64(self.end_time)
    }

    pub fn is_claimed(&self) -> bool {
        self.claimed
    }
}
