use near_sdk::store::{LookupSet, Vector};
use near_sdk::{env, near, require, AccountId, PanicOnDefault};

#[near(serializers = [json, borsh])]
#[derive(Clone, Debug, PartialEq)]
pub enum ProposalStatus {
    InProgress,
    Approved,
    Rejected,
}

#[near(serializers = [json, borsh])]
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    pub id: u64,
    pub proposer: AccountId,
    pub description: String,
    pub yes_votes: u32,
    pub no_votes: u32,
    pub status: ProposalStatus,
}

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct Dao {
    members: LookupSet<AccountId>,
    quorum: u32,
    proposals: Vector<Proposal>,
    // (proposal id, voter) pairs that already voted.
    votes: LookupSet<(u64, AccountId)>,
}

#[near]
impl Dao {
    #[init]
    pub fn new(members: Vec<AccountId>, quorum: u32) -> Self {
        let mut set = LookupSet::new(b"m");
        let mut distinct = 0u32;
        for member in members {
            if set.insert(member) {
                distinct += 1;
            }
        }
        require!(
            quorum > 0 && quorum <= distinct,
            "quorum must be between 1 and the number of members"
        );
        Self {
            members: set,
            quorum,
            proposals: Vector::new(b"p"),
            votes: LookupSet::new(b"v"),
        }
    }

    pub fn add_proposal(&mut self, description: String) -> u64 {
        let proposer = self.assert_member();
        let id = u64::from(self.proposals.len());
        self.proposals.push(Proposal {
            id,
            proposer,
            description,
            yes_votes: 0,
            no_votes: 0,
            status: ProposalStatus::InProgress,
        });
        id
    }

    pub fn vote(&mut self, proposal_id: u64, approve: bool) {
        let voter = self.assert_member();
        let quorum = self.quorum;
        let index = u32::try_from(proposal_id).expect("unknown proposal");
        let proposal = self.proposals.get_mut(index).expect("unknown proposal");
        require!(
            proposal.status == ProposalStatus::InProgress,
            "voting is closed"
        );
        require!(self.votes.insert((proposal_id, voter)), "already voted");
        if approve {
            proposal.yes_votes += 1;
            if proposal.yes_votes >= quorum {
                proposal.status = ProposalStatus::Approved;
            }
        } else {
            proposal.no_votes += 1;
            if proposal.no_votes >= quorum {
                proposal.status = ProposalStatus::Rejected;
            }
        }
    }

    pub fn get_proposal(&self, proposal_id: u64) -> Option<Proposal> {
        u32::try_from(proposal_id)
            .ok()
            .and_then(|i| self.proposals.get(i))
            .cloned()
    }

    pub fn is_member(&self, account_id: AccountId) -> bool {
        self.members.contains(&account_id)
    }
}

impl Dao {
    fn assert_member(&self) -> AccountId {
        let caller = env::predecessor_account_id();
        require!(self.members.contains(&caller), "only members");
        caller
    }
}
