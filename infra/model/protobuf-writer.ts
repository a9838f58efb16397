// Protocol Buffers wire types used by ONNX's messages.
const VARINT = 0;
const FIXED32 = 5;
const LENGTH_DELIMITED = 2;

const textEncoder = new TextEncoder();

/**
 * Appends protobuf fields to a message as a list of chunks, so embedding a
 * child message or a multi-megabyte weight buffer never copies it until
 * `finish()` joins everything once. Fields are written in call order, which
 * is what makes the serialized bytes deterministic.
 *
 * @example
 * const opset = new ProtoWriter().writeString(1, "").writeVarint(2, 17);
 * const model = new ProtoWriter().writeVarint(1, 8).writeMessage(8, opset).finish();
 */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private byteLength = 0;

  get length(): number {
    return this.byteLength;
  }

  /** int32/int64/enum/bool field; negative values take ten bytes (two's complement), as protobuf requires. */
  writeVarint(field: number, value: number): this {
    return this.writeTag(field, VARINT).append(encodeVarint(value));
  }

  writeFloat(field: number, value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return this.writeTag(field, FIXED32).append(bytes);
  }

  writeString(field: number, value: string): this {
    return this.writeBytes(field, textEncoder.encode(value));
  }

  writeBytes(field: number, value: Uint8Array): this {
    return this.writeTag(field, LENGTH_DELIMITED).append(encodeVarint(value.length)).append(value);
  }

  /** Packed repeated varints (e.g. TensorProto.dims, AttributeProto.ints); an empty list writes nothing, like protoc. */
  writePackedVarints(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const encoded = values.map(encodeVarint);
    const total = encoded.reduce((sum, bytes) => sum + bytes.length, 0);
    this.writeTag(field, LENGTH_DELIMITED).append(encodeVarint(total));
    for (const bytes of encoded) this.append(bytes);
    return this;
  }

  writeMessage(field: number, message: ProtoWriter): this {
    return this.writeTag(field, LENGTH_DELIMITED).append(encodeVarint(message.byteLength)).writeRaw(message);
  }

  /** Fields already encoded, appended as they are: an edited message keeps its untouched fields' bytes. */
  writeRaw(fields: Uint8Array | ProtoWriter): this {
    if (!(fields instanceof ProtoWriter)) return this.append(fields);
    for (const chunk of fields.chunks) this.append(chunk);
    return this;
  }

  finish(): Uint8Array {
    const bytes = new Uint8Array(this.byteLength);
    let offset = 0;
    for (const chunk of this.chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  }

  private writeTag(field: number, wireType: number): this {
    return this.append(encodeVarint(field * 8 + wireType));
  }

  private append(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.byteLength += bytes.length;
    return this;
  }
}

function encodeVarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value)) throw new Error(`varint must be a safe integer, got ${value}`);
  const bytes: number[] = [];
  let rest = BigInt.asUintN(64, BigInt(value));
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return Uint8Array.from(bytes);
}
