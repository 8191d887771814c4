import { NearBindgen, Vector, assert, call, near, view } from "near-sdk-js";

const PREMIUM = BigInt("100000000000000000000000");

export class PostedMessage {
  premium: boolean;
  sender: string;
  text: string;

  constructor({ premium, sender, text }: { premium: boolean; sender: string; text: string }) {
    this.premium = premium;
    this.sender = sender;
    this.text = text;
  }
}

@NearBindgen({})
export class GuestBook {
  messages: Vector<PostedMessage> = new Vector<PostedMessage>("m");

  @call({ payableFunction: true })
  add_message({ text }: { text: string }): void {
    assert(text.length > 0, "message text must not be empty");
    const premium = near.attachedDeposit() >= PREMIUM;
    this.messages.push(new PostedMessage({ premium, sender: near.predecessorAccountId(), text }));
  }

  @view({})
  get_messages({ from_index = 0, limit = 10 }: { from_index?: number; limit?: number }): PostedMessage[] {
    return this.messages.toArray().slice(from_index, from_index + limit);
  }

  @view({})
  total_messages(): number {
    return this.messages.length;
  }
}
