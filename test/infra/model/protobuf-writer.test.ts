import { describe, expect, it } from "vitest";
import { ProtoWriter } from "../../../infra/model/protobuf-writer";

// Expected bytes are protobuf's documented encodings (developers.google.com/protocol-buffers/docs/encoding).
describe("ProtoWriter", () => {
  it("encodes varints, including negative int64 as ten bytes", () => {
    expect([...new ProtoWriter().writeVarint(1, 150).finish()]).toEqual([0x08, 0x96, 0x01]);
    expect([...new ProtoWriter().writeVarint(3, -1).finish()]).toEqual([0x18, ...Array(9).fill(0xff), 0x01]);
  });

  it("length-prefixes strings, packed varints and nested messages", () => {
    expect([...new ProtoWriter().writeString(2, "testing").finish()]).toEqual([0x12, 0x07, ...Buffer.from("testing")]);
    expect([...new ProtoWriter().writePackedVarints(4, [3, 270, 86942]).finish()]).toEqual([
      0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05,
    ]);
    const child = new ProtoWriter().writeVarint(1, 150);
    expect([...new ProtoWriter().writeMessage(3, child).finish()]).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
  });

  it("writes floats as little-endian fixed32", () => {
    expect([...new ProtoWriter().writeFloat(2, 1).finish()]).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
  });
});
