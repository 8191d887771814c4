// Interface probe: type-checks only if the contract exposes the spec's methods with the spec's types.
import { Donation } from "./src/contract";

declare const d: Donation;
const inited: void = d.init({ beneficiary: "charity.near" });
const total: string = d.donate();
const mine: string = d.get_donation_for_account({ account_id: "alice.near" });
const donors: number = d.number_of_donors();
const who: string = d.get_beneficiary();
export const probe = [inited, total, mine, donors, who];
