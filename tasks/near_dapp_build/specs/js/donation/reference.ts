import { NearBindgen, UnorderedMap, assert, call, initialize, near, view } from "near-sdk-js";

@NearBindgen({ requireInit: true })
export class Donation {
  beneficiary = "";
  donations: UnorderedMap<string> = new UnorderedMap<string>("d");

  @initialize({})
  init({ beneficiary }: { beneficiary: string }): void {
    this.beneficiary = beneficiary;
  }

  @call({ payableFunction: true })
  donate(): string {
    const amount = near.attachedDeposit();
    assert(amount > BigInt(0), "attach a deposit to donate");
    const donor = near.predecessorAccountId();
    const total = BigInt(this.donations.get(donor) ?? "0") + amount;
    this.donations.set(donor, total.toString());
    // A NearPromise that is not returned is never scheduled; a promise batch is.
    near.promiseBatchActionTransfer(near.promiseBatchCreate(this.beneficiary), amount);
    return total.toString();
  }

  @view({})
  get_donation_for_account({ account_id }: { account_id: string }): string {
    return this.donations.get(account_id) ?? "0";
  }

  @view({})
  number_of_donors(): number {
    return this.donations.length;
  }

  @view({})
  get_beneficiary(): string {
    return this.beneficiary;
  }
}
