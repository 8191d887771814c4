// Interface probe: type-checks only if the contract exposes the spec's methods with the spec's types.
import { GuestBook, PostedMessage } from "./src/contract";

declare const book: GuestBook;
const added: void = book.add_message({ text: "hello" });
const page: PostedMessage[] = book.get_messages({ from_index: 1, limit: 2 });
const all: PostedMessage[] = book.get_messages({});
const count: number = book.total_messages();
const first: { premium: boolean; sender: string; text: string } = page[0];
export const probe = [added, all, count, first];
