use near_sdk::json_types::{U128, U64};
use near_sdk::mock::MockAction;
use near_sdk::test_utils::{accounts, get_created_receipts, VMContextBuilder};
use near_sdk::{testing_env, AccountId, NearToken};

const END: u64 = 1_000_000_000;

fn at(time: u64, caller: usize, deposit: NearToken) {
    testing_env!(VMContextBuilder::new()
        .current_account_id("auction.near".parse().unwrap())
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

fn auction() -> Auction {
    at(0, 0, NearToken::from_yoctonear(0));
    Auction::new(U64(END), accounts(5))
}

#[test]
fn initial_state() {
    let a = auction();
    assert_eq!(
        a.get_highest_bid(),
        Bid {
            bidder: "auction.near".parse().unwrap(),
            bid: U128(1)
        }
    );
    assert_eq!(a.get_auction_end_time(), U64(END));
    assert!(!a.is_claimed());
}

#[test]
fn higher_bid_wins_and_refunds_previous() {
    let mut a = auction();
    at(10, 1, NearToken::from_near(1));
    a.bid();
    at(20, 2, NearToken::from_near(2));
    a.bid();
    assert_eq!(
        a.get_highest_bid(),
        Bid {
            bidder: accounts(2),
            bid: U128(NearToken::from_near(2).as_yoctonear())
        }
    );
    assert!(transfers().contains(&(accounts(1), NearToken::from_near(1).as_yoctonear())));
}

#[test]
#[should_panic]
fn lower_or_equal_bid_panics() {
    let mut a = auction();
    at(10, 1, NearToken::from_near(2));
    a.bid();
    at(20, 2, NearToken::from_near(2));
    a.bid();
}

#[test]
#[should_panic]
fn bid_after_end_panics() {
    let mut a = auction();
    at(END, 1, NearToken::from_near(1));
    a.bid();
}

#[test]
fn claim_pays_auctioneer_once() {
    let mut a = auction();
    at(10, 1, NearToken::from_near(3));
    a.bid();
    at(END + 1, 3, NearToken::from_yoctonear(0));
    a.claim();
    assert!(a.is_claimed());
    assert!(transfers().contains(&(accounts(5), NearToken::from_near(3).as_yoctonear())));
}

#[test]
#[should_panic]
fn claim_before_end_panics() {
    let mut a = auction();
    at(END - 1, 3, NearToken::from_yoctonear(0));
    a.claim();
}

#[test]
#[should_panic]
fn second_claim_panics() {
    let mut a = auction();
    at(END, 3, NearToken::from_yoctonear(0));
    a.claim();
    a.claim();
}
