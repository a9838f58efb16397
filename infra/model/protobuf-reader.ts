/**
 * Reads protobuf wire format just far enough to edit ONNX models in place:
 * each field's number, wire type and byte ranges, never a decoded object, so
 * a 300 MB model is walked without copying its weights (ProtoWriter writes
 * the edited message back, untouched fields as raw bytes).
 */

/** One field of a message: `bytes.subarray(start, end)` is the whole field (tag included). */
export interface ProtoField {
  number: number;
  wireType: number;
  start: number;
  end: number;
  /** Length-delimited fields: where the payload starts (it ends at `end`). */
  valueStart: number;
  /** Varint fields: the value. */
  varint?: bigint;
}

/**
 * The fields of the message in `bytes[start, end)`, in order.
 *
 * @example
 * const graph = readFields(model).find((field) => field.number === 7); // ModelProto.graph
 */
export function readFields(bytes: Uint8Array, start = 0, end = bytes.byteLength): ProtoField[] {
  const fields: ProtoField[] = [];
  let at = start;
  while (at < end) {
    const fieldStart = at;
    const [tag, afterTag] = readVarint(bytes, at);
    const wireType = Number(tag & 7n);
    const number = Number(tag >> 3n);
    if (wireType === 0) {
      const [value, next] = readVarint(bytes, afterTag);
      fields.push({ number, wireType, start: fieldStart, end: next, valueStart: afterTag, varint: value });
      at = next;
    } else if (wireType === 2) {
      const [length, payload] = readVarint(bytes, afterTag);
      at = payload + Number(length);
      fields.push({ number, wireType, start: fieldStart, end: at, valueStart: payload });
    } else if (wireType === 1 || wireType === 5) {
      at = afterTag + (wireType === 1 ? 8 : 4);
      fields.push({ number, wireType, start: fieldStart, end: at, valueStart: afterTag });
    } else {
      throw new Error(`unsupported protobuf wire type ${wireType} at byte ${fieldStart}`);
    }
    if (at > end) throw new Error(`protobuf field ${number} at byte ${fieldStart} runs past its message`);
  }
  return fields;
}

/**
 * A length-delimited field's payload as UTF-8 text.
 *
 * @example
 * readString(bytes, node.find((field) => field.number === 4)!); // "LayerNormalization"
 */
export function readString(bytes: Uint8Array, field: ProtoField): string {
  return new TextDecoder().decode(bytes.subarray(field.valueStart, field.end));
}

function readVarint(bytes: Uint8Array, start: number): [bigint, number] {
  let value = 0n;
  let shift = 0n;
  for (let at = start; at < bytes.byteLength && at < start + 10; at += 1) {
    const byte = bytes[at] as number;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [value, at + 1];
    shift += 7n;
  }
  throw new Error(`truncated varint at byte ${start}`);
}
