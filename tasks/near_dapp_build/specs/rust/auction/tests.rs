use near_sdk::json_types::{U128, U64};
use near_sdk::mock::MockAction;
use near_sdk::test_utils::{accounts, get_created_receipts, VMContextBuilder};
use near_sdk::{testing_env, AccountId, NearToken};

const END: u64 = 1_000_000_000;

fn at(time: u64, caller: usize, deposit: NearToken) {
    testing_env!(VMContextBuilder::new()
        .current_account_id("auction.near".parse().unwrap())
        .signer_account_id(accounts(4))
        .predecessor_account_id(accounts(caller))
        .block_timestamp(time)
        .attached_deposit(deposit)
        .build());
}

fn transfers() -> Vec<(AccountId, u128)> {
    get_created_receipts()
        .into_iter()
        .flat_map(|r| {
            let to = r.receiver_id.clone();
            r.actions.into_iter().filter_map(move |a| match a {
                MockAction::Transfer { deposit, .. } => Some((to.clone(), deposit.as_yoctonear())),
                _ => None,
            })
        })
        .collect()
}

fn near(n: u128) -> u128 {
    NearToken::from_near(n).as_yoctonear()
}

fn highest(a: &Auction) -> (AccountId, u128) {
    let b = a.get_highest_bid();
    (b.bidder, b.bid.0)
}

fn auction() -> Auction {
    at(0, 0, NearToken::from_yoctonear(0));
    Auction::new(U64(END), accounts(5))
}

#[test]
fn initial_state() {
    let a = auction();
    ::core::assert_eq!(highest(&a), ("auction.near".parse().unwrap(), 1));
    ::core::assert_eq!(a.get_auction_end_time(), U64(END));
    ::core::assert!(!a.is_claimed());
}

#[test]
fn higher_bid_wins_and_refunds_previous() {
    let mut a = auction();
    at(10, 1, NearToken::from_near(1));
    a.bid();
    ::core::assert_eq!(highest(&a), (accounts(1), near(1)));
    at(END - 1, 2, NearToken::from_yoctonear(near(1) + 1));
    a.bid();
    ::core::assert_eq!(highest(&a), (accounts(2), near(1) + 1));
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(1), near(1))]);
    ::core::assert_eq!(a.get_highest_bid().bid, U128(near(1) + 1));
}

#[test]
#[should_panic(expected = "you must place a higher bid")]
fn equal_bid_panics() {
    let mut a = auction();
    at(10, 1, NearToken::from_near(2));
    a.bid();
    ::core::assert_eq!(highest(&a), (accounts(1), near(2)));
    at(20, 2, NearToken::from_near(2));
    a.bid();
}

#[test]
#[should_panic(expected = "you must place a higher bid")]
fn one_yocto_does_not_beat_the_opening_bid() {
    let mut a = auction();
    ::core::assert_eq!(highest(&a).1, 1);
    at(10, 1, NearToken::from_yoctonear(1));
    a.bid();
}

#[test]
#[should_panic(expected = "auction has ended")]
fn bid_at_end_time_panics() {
    let mut a = auction();
    at(END - 1, 1, NearToken::from_near(1));
    a.bid();
    ::core::assert_eq!(highest(&a), (accounts(1), near(1)));
    at(END, 2, NearToken::from_near(5));
    a.bid();
}

#[test]
fn claim_pays_auctioneer_once_at_end_time() {
    let mut a = auction();
    at(10, 1, NearToken::from_near(3));
    a.bid();
    at(END, 3, NearToken::from_yoctonear(0));
    a.claim();
    ::core::assert!(a.is_claimed());
    ::core::assert_eq!(transfers(), ::std::vec![(accounts(5), near(3))]);
    ::core::assert_eq!(highest(&a), (accounts(1), near(3)));
}

#[test]
#[should_panic(expected = "auction has not ended yet")]
fn claim_before_end_panics() {
    let mut a = auction();
    at(10, 1, NearToken::from_near(3));
    a.bid();
    ::core::assert_eq!(highest(&a), (accounts(1), near(3)));
    at(END - 1, 3, NearToken::from_yoctonear(0));
    a.claim();
}

#[test]
#[should_panic(expected = "auction has already been claimed")]
fn second_claim_panics() {
    let mut a = auction();
    at(END + 5, 3, NearToken::from_yoctonear(0));
    a.claim();
    ::core::assert!(a.is_claimed());
    at(END + 6, 4, NearToken::from_yoctonear(0));
    a.claim();
}
